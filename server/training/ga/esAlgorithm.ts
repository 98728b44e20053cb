/** OpenAI-ES (openAiEs.ts) as an {@link EvolutionAlgorithm}: θ is scored with its samples every generation. */
import { base64ToFloat32, float32ToBase64 } from '../genomeCodec.ts';
import type { SeededRng } from '../seededRng.ts';
import type { EvolutionAlgorithm, GenerationOutcome, ScoreGenomes } from './evolutionAlgorithm.ts';
import { esAsk, esTell, initEsState, type EsOptions, type EsState } from './openAiEs.ts';

export class EsAlgorithm implements EvolutionAlgorithm {
  readonly name = 'openai-es';

  private constructor(
    private readonly options: EsOptions,
    private readonly state: EsState,
  ) {}

  static start(options: EsOptions, initial: Float32Array): EsAlgorithm {
    return new EsAlgorithm(options, initEsState(initial));
  }

  static fromJSON(options: EsOptions, json: Record<string, unknown>): EsAlgorithm {
    const field = (k: string): string => {
      const v = json[k];
      if (typeof v !== 'string') throw new Error(`checkpoint: es.${k} is missing`);
      return v;
    };
    return new EsAlgorithm(options, {
      mean: base64ToFloat32(field('mean')),
      m: base64ToFloat32(field('m')),
      v: base64ToFloat32(field('v')),
      t: Number(json.t),
    });
  }

  get evaluationsPerGeneration(): number {
    return this.options.populationSize + 1;
  }

  async generation(score: ScoreGenomes, rng: SeededRng): Promise<GenerationOutcome> {
    const samples = esAsk(this.state, this.options, rng);
    const centre = Float32Array.from(this.state.mean);
    const [centreFitness, ...fitness] = await score([centre, ...samples.genomes]);
    esTell(this.state, samples, fitness, this.options);
    return { fitness, elite: centre, eliteFitness: centreFitness };
  }

  toJSON(): Record<string, unknown> {
    return {
      mean: float32ToBase64(this.state.mean),
      m: float32ToBase64(this.state.m),
      v: float32ToBase64(this.state.v),
      t: this.state.t,
    };
  }
}
