/**
 * The fitness of one genome: its mean training-episode return over a list of track seeds.
 * Dense architectures (the state MLP) run as plain JavaScript; the conv net runs on the arena's
 * own ONNX Runtime graph. A pure function of (architecture, genome, seeds, options), so which
 * worker evaluates it never changes the result.
 */
import { getArchitecture } from '../../agents/architectures/architectureRegistry.ts';
import { inputSize } from '../../agents/architectures/architecture.ts';
import { createBuiltinOnnxModel } from '../../agents/backends/builtinOnnxGraph.ts';
import { createDenseForward, isDenseArchitecture } from '../denseForward.ts';
import { resolvedGenomeManifest, type GaArchitecture } from '../genomeManifest.ts';
import { runTrainingEpisode, type TrainingEpisodeResult } from '../trainingEpisode.ts';

export interface FitnessJob {
  readonly architecture: GaArchitecture;
  readonly genome: Float32Array;
  readonly seeds: readonly number[];
  readonly maxSteps: number;
  readonly stallSteps: number;
  /** Added to an episode's fitness when it completes the lap (0 by default: the plain return). */
  readonly lapBonus?: number;
}

export interface FitnessResult {
  /** Mean over the seeds of the return (plus the lap bonus, when set). */
  readonly fitness: number;
  readonly episodes: TrainingEpisodeResult[];
}

export async function evaluateGenome(job: FitnessJob): Promise<FitnessResult> {
  const arch = getArchitecture(job.architecture);
  const manifest = resolvedGenomeManifest(job.architecture);
  const episodes: TrainingEpisodeResult[] = [];
  const options = { maxSteps: job.maxSteps, stallSteps: job.stallSteps };
  const shape = { sampleSize: inputSize(arch), outputSize: arch.outputSize };
  if (isDenseArchitecture(arch)) {
    const forward = createDenseForward(arch, job.genome);
    for (const seed of job.seeds)
      episodes.push(await runTrainingEpisode(manifest, shape, forward, { seed, ...options }));
  } else {
    const model = await createBuiltinOnnxModel(arch, job.genome);
    try {
      const decide = (sample: Float32Array): Promise<Float32Array> => model.run(sample, 1);
      for (const seed of job.seeds)
        episodes.push(await runTrainingEpisode(manifest, shape, decide, { seed, ...options }));
    } finally {
      await model.dispose();
    }
  }
  const bonus = job.lapBonus ?? 0;
  const fitness = episodes.reduce((a, e) => a + e.return + (e.lapFinished ? bonus : 0), 0) / episodes.length;
  return { fitness, episodes };
}
