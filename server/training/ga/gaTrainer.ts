/**
 * `npm run train:ga`: evolves a built-in architecture over the shared/ environment. Every
 * generation draws its track seeds from the run's seeded stream, scores genomes in parallel
 * (FitnessPool), steps the algorithm, then writes the CSV, the chart, the checkpoint and the
 * arena-ready agents (`latest/`: this generation's elite; `best/`: the best elite so far).
 * Everything random comes from one SeededRng whose state the checkpoint keeps, so a run is
 * reproduced from its options, and `--resume` continues it exactly.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonGenome, writeJsonGenome } from '../../agents/formats/jsonGenome.ts';
import { getArchitecture } from '../../agents/architectures/architectureRegistry.ts';
import type { CsvRow } from '../csvLog.ts';
import { genomeManifestJson, type GaArchitecture } from '../genomeManifest.ts';
import { SeededRng, type RngState } from '../seededRng.ts';
import { createProgressLine } from '../trainingProgress.ts';
import { writeAgentFolder, writeFitnessLog } from '../trainingRun.ts';
import { EsAlgorithm } from './esAlgorithm.ts';
import type { EvolutionAlgorithm } from './evolutionAlgorithm.ts';
import { FitnessPool } from './fitnessPool.ts';
import { initGenome } from './genomeInit.ts';
import { SeedGaAlgorithm, type MutationOperator, type Selection } from './seedGa.ts';

export interface GaTrainOptions {
  readonly algorithm: 'es' | 'seed-ga';
  readonly architecture: GaArchitecture;
  readonly generations: number;
  readonly population: number;
  /** Track seeds per generation (every genome of a generation runs on the same ones). */
  readonly seedsPerGeneration: number;
  /** Seed of the run's random stream (initial genomes, noise, track seeds). */
  readonly seed: number;
  readonly maxSteps: number;
  /** Stop an episode after this many steps without a new tile (0: never). */
  readonly stallSteps: number;
  /**
   * Fitness bonus for a completed lap (default 0). The Gymnasium return barely notices a car that
   * covers every tile but the start tile (−3.5 and the steps left): the lap then never counts.
   */
  readonly lapBonus?: number;
  // OpenAI-ES
  readonly sigma: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  // seed GA
  readonly selection: Selection;
  readonly crossoverRate: number;
  readonly mutationRate: number;
  readonly mutation: MutationOperator;
  readonly mutationSigma: number;
  /**
   * Start from this genome (a json-genome file, or an agent's manifest.json naming one) instead
   * of a fresh initialisation: the ES mean, or every individual of the GA. For staged training.
   */
  readonly init?: string;
}

export interface GaRunOptions {
  readonly outDir: string;
  readonly workers: number;
  readonly resume: boolean;
  /** Agent name in the manifests. */
  readonly name: string;
  /** The command line, recorded in the manifests. */
  readonly commandLine: string;
  /** Keep `snapshots/gen-NNNN/` every this many generations (0: never). */
  readonly snapshotEvery: number;
  readonly quiet?: boolean;
}

/** Track seeds for training are drawn from here up, far from the seeds the README evaluates on. */
export const TRAINING_SEED_MIN = 1_000_000;
const TRAINING_SEED_SPAN = 1_000_000_000;

export const GA_CSV_COLUMNS = ['generation', 'min', 'mean', 'max', 'elite', 'best', 'seconds', 'seeds'] as const;

interface Checkpoint {
  readonly version: 1;
  readonly options: GaTrainOptions;
  readonly generation: number;
  readonly rng: RngState;
  readonly algorithm: Record<string, unknown>;
  readonly best: { generation: number; fitness: number } | null;
  readonly history: CsvRow[];
  readonly seconds: number;
}

export interface GaTrainResult {
  readonly generations: number;
  readonly best: { generation: number; fitness: number } | null;
  readonly seconds: number;
  readonly outDir: string;
}

/** The genome of `--init`: a json-genome file, or a manifest whose model file is one. */
export function readInitGenome(path: string, architecture: GaArchitecture): Float32Array {
  let file = path;
  const text = readFileSync(path, 'utf8');
  const json = JSON.parse(text) as { model?: { file?: string; format?: string } };
  if (json.model !== undefined) {
    if (json.model.format !== 'json-genome' || json.model.file === undefined) {
      throw new Error(`--init ${path}: the manifest's model is not a json-genome`);
    }
    file = join(dirname(path), json.model.file);
  }
  const genome = readJsonGenome(readFileSync(file), file);
  if (genome.architecture !== architecture) {
    throw new Error(`--init ${path}: a ${genome.architecture} genome, not ${architecture}`);
  }
  return genome.data;
}

function makeAlgorithm(o: GaTrainOptions, rng: SeededRng, json?: Record<string, unknown>): EvolutionAlgorithm {
  const arch = getArchitecture(o.architecture);
  const start =
    o.init === undefined
      ? (): Float32Array => initGenome(arch, rng)
      : (): Float32Array => readInitGenome(o.init!, o.architecture);
  if (o.algorithm === 'es') {
    const es = {
      populationSize: o.population,
      sigma: o.sigma,
      learningRate: o.learningRate,
      weightDecay: o.weightDecay,
    };
    return json ? EsAlgorithm.fromJSON(es, json) : EsAlgorithm.start(es, start());
  }
  const ga = {
    populationSize: o.population,
    selection: o.selection,
    crossoverRate: o.crossoverRate,
    mutationRate: o.mutationRate,
    mutation: o.mutation,
    mutationSigma: o.mutationSigma,
  };
  return json ? SeedGaAlgorithm.fromJSON(ga, json) : SeedGaAlgorithm.start(ga, start);
}

function writeJsonAtomic(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

export async function trainGa(options: GaTrainOptions, run: GaRunOptions): Promise<GaTrainResult> {
  mkdirSync(run.outDir, { recursive: true });
  const checkpointPath = join(run.outDir, 'checkpoint.json');
  let o = options;
  let rng: SeededRng;
  let algorithm: EvolutionAlgorithm;
  let generation = 0;
  let best: Checkpoint['best'] = null;
  let history: CsvRow[] = [];
  let seconds = 0;
  if (run.resume && existsSync(checkpointPath)) {
    const cp = JSON.parse(readFileSync(checkpointPath, 'utf8')) as Checkpoint;
    // The run's own options win, except how many generations to reach.
    o = { ...cp.options, generations: options.generations };
    rng = new SeededRng(cp.rng);
    algorithm = makeAlgorithm(o, rng, cp.algorithm);
    ({ generation, best, history, seconds } = cp);
  } else {
    rng = SeededRng.fromSeed(o.seed);
    algorithm = makeAlgorithm(o, rng);
  }
  const pool = new FitnessPool(run.workers);
  const training = (extra: Record<string, unknown>): Record<string, unknown> => ({
    env: 'CarRacing-v3 (shared/ port)',
    algorithm: algorithm.name,
    options: o,
    commandLine: run.commandLine,
    reproduce: `${run.commandLine.replace(/\s--resume\b/, '')} (same options and seed give the same run, any --workers)`,
    ...extra,
  });
  const saveAgent = (dir: string, genome: Float32Array, extra: Record<string, unknown>): void => {
    const manifest = genomeManifestJson({
      architecture: o.architecture,
      name: run.name,
      file: 'genome.json',
      description: `${o.architecture} trained by ${algorithm.name} with npm run train:ga`,
      training: training(extra),
    });
    writeAgentFolder(dir, manifest, new Map([['genome.json', writeJsonGenome(o.architecture, genome)]]));
  };
  try {
    while (generation < o.generations) {
      const started = performance.now();
      const seeds = Array.from({ length: o.seedsPerGeneration }, () => TRAINING_SEED_MIN + rng.int(TRAINING_SEED_SPAN));
      const progress = createProgressLine(`gen ${generation + 1}/${o.generations}`);
      const total = algorithm.evaluationsPerGeneration;
      let done = 0;
      const tail = (): string => (best === null ? '' : `best ${best.fitness.toFixed(1)} (gen ${best.generation})`);
      const outcome = await algorithm.generation(async (genomes) => {
        const results = await pool.evaluate(
          genomes.map((genome) => ({
            architecture: o.architecture,
            genome,
            seeds,
            maxSteps: o.maxSteps,
            stallSteps: o.stallSteps,
            lapBonus: o.lapBonus ?? 0,
          })),
          () => {
            if (!run.quiet) progress.update(++done, total, tail());
          },
        );
        return results.map((r) => r.fitness);
      }, rng);
      progress.finish();
      generation++;
      const f = outcome.fitness;
      const row: CsvRow = {
        generation,
        min: Math.min(...f),
        mean: f.reduce((a, b) => a + b, 0) / f.length,
        max: Math.max(...f),
        elite: outcome.eliteFitness,
        best: 0,
        seconds: (performance.now() - started) / 1000,
        seeds: seeds.join(' '),
      };
      seconds += Number(row.seconds);
      if (best === null || outcome.eliteFitness > best.fitness) {
        best = { generation, fitness: outcome.eliteFitness };
        saveAgent(join(run.outDir, 'best'), outcome.elite, { generation, fitness: outcome.eliteFitness, seeds });
      }
      history.push({ ...row, best: best.fitness });
      saveAgent(join(run.outDir, 'latest'), outcome.elite, { generation, fitness: outcome.eliteFitness, seeds });
      if (run.snapshotEvery > 0 && generation % run.snapshotEvery === 0) {
        saveAgent(join(run.outDir, 'snapshots', `gen-${String(generation).padStart(4, '0')}`), outcome.elite, {
          generation,
          fitness: outcome.eliteFitness,
          seeds,
        });
      }
      writeFitnessLog(run.outDir, GA_CSV_COLUMNS, history);
      writeJsonAtomic(checkpointPath, {
        version: 1,
        options: o,
        generation,
        rng: rng.state,
        algorithm: algorithm.toJSON(),
        best,
        history,
        seconds,
      } satisfies Checkpoint);
      if (!run.quiet) {
        process.stderr.write(
          `gen ${generation}: min ${Number(row.min).toFixed(1)} mean ${Number(row.mean).toFixed(1)} max ${Number(row.max).toFixed(1)} elite ${outcome.eliteFitness.toFixed(1)} (${Number(row.seconds).toFixed(1)} s)\n`,
        );
      }
    }
  } finally {
    await pool.close();
  }
  return { generations: generation, best, seconds, outDir: run.outDir };
}
