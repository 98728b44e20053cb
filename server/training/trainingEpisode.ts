/**
 * One training episode of a policy alone on a CarRacing track: the arena's own episode
 * (runAgentEpisode: the manifest's observation, pipeline and action decoding, Gymnasium's reward),
 * with the decision made by any function (the GA's plain-JS MLP, an ONNX session, a TF.js net)
 * and, for speed, an optional early stop once the car has visited no new tile for `stallSteps`
 * steps (see EpisodeOptions.stallSteps).
 */
import type { AgentManifest } from '../../shared/agents/agentManifest.ts';
import { runAgentEpisode, type EpisodeResult } from '../agents/runtime/agentEpisode.ts';
import type { AgentPolicy } from '../agents/runtime/agentPolicy.ts';

/** Model outputs of one sample (sync for plain-JS nets, async for runtimes). */
export type DecideFn = (sample: Float32Array) => Float32Array | Promise<Float32Array>;

export interface TrainingEpisodeOptions {
  readonly seed: number;
  /** Gymnasium's TimeLimit. [default: 1000] */
  readonly maxSteps?: number;
  /** Stop after this many steps without a new tile (0: never). [default: 0] */
  readonly stallSteps?: number;
}

export type TrainingEpisodeResult = Omit<EpisodeResult, 'faults' | 'latenciesMs'>;

export async function runTrainingEpisode(
  manifest: AgentManifest,
  shape: { readonly sampleSize: number; readonly outputSize: number },
  decide: DecideFn,
  options: TrainingEpisodeOptions,
): Promise<TrainingEpisodeResult> {
  const policy: AgentPolicy = {
    agentId: 'training',
    name: manifest.name ?? 'training',
    manifest,
    sampleSize: shape.sampleSize,
    model: {
      info: { inputShape: [shape.sampleSize], outputSize: shape.outputSize, backend: 'js' },
      run: async (input) => decide(input),
      dispose: async () => undefined,
    },
  };
  const {
    faults: _faults,
    latenciesMs: _latencies,
    ...result
  } = await runAgentEpisode(policy, {
    ...options,
    nowMs: () => 0, // latencies are not wanted here: no clock reads on the training path
  });
  return result;
}
