/**
 * One training episode of a policy alone on a CarRacing track, as the arena runs agents
 * (runAgentEpisode in server/agents/runtime): the manifest's observation, pipeline and action
 * decoding, Gymnasium's reward. Two differences, both for speed and both off in the arena:
 * the decision is any function (the GA's plain-JS MLP, an ONNX session, a TF.js net), and an
 * episode may stop early once the car has visited no new tile for `stallSteps` steps. The
 * return then counts −0.1 for every step left to the time limit, which is exactly the return
 * of a car that stays stalled (it can still differ from the full episode when a stalled car
 * would have found the road again).
 */
import type { AgentManifest } from '../../shared/agents/agentManifest.ts';
import { decodeAction } from '../../shared/agents/actionDecoder.ts';
import { applyPipeline, ObservationStack } from '../../shared/agents/observationPipeline.ts';
import { computeStateFeatures, STATE_FEATURE_COUNT } from '../../shared/agents/stateFeatures.ts';
import { createCarRacingEnv } from '../../shared/env/carRacingEnv.ts';

/** Model outputs of one sample (sync for plain-JS nets, async for runtimes). */
export type DecideFn = (sample: Float32Array) => Float32Array | Promise<Float32Array>;

export interface TrainingEpisodeOptions {
  readonly seed: number;
  /** Gymnasium's TimeLimit. [default: 1000] */
  readonly maxSteps?: number;
  /** Stop after this many steps without a new tile (0: never). [default: 0] */
  readonly stallSteps?: number;
}

export interface TrainingEpisodeResult {
  readonly seed: number;
  /** Episode return (with the stalled remainder counted, see above). */
  readonly return: number;
  readonly steps: number;
  readonly tiles: number;
  readonly tileCount: number;
  readonly lapFinished: boolean;
  readonly stalled: boolean;
}

const STEP_PENALTY = 0.1;

export async function runTrainingEpisode(
  manifest: AgentManifest,
  sampleSize: number,
  decide: DecideFn,
  options: TrainingEpisodeOptions,
): Promise<TrainingEpisodeResult> {
  const o = manifest.observation;
  const maxSteps = options.maxSteps ?? 1000;
  const stallSteps = options.stallSteps ?? 0;
  const env = createCarRacingEnv({ style: o.style, maxEpisodeSteps: maxSteps, render: o.source === 'frame' });
  const stack = new ObservationStack(o.frameStack.size, o.frameStack.fill, o.tensor.layout);
  const sample = new Float32Array(sampleSize);
  const features = new Float32Array(STATE_FEATURE_COUNT);
  const repeat = manifest.control.actionRepeat;

  let frame = env.reset({ seed: options.seed }).observation;
  let action: [number, number, number] = [0, 0, 0];
  let total = 0;
  let steps = 0;
  let lapFinished = false;
  let stalled = false;
  let lastTiles = 0;
  let lastProgressStep = 0;
  for (;;) {
    if (steps % repeat === 0) {
      if (o.source === 'state-v1') {
        computeStateFeatures(env.simulation!, env.track!.points, 0, features);
        sample.set(features);
      } else {
        if (frame === null) throw new Error('the environment rendered no frame');
        stack.push(applyPipeline(frame, o.pipeline));
        stack.pack(sample, 0);
      }
      const out = decide(sample);
      const outputs = out instanceof Promise ? await out : out;
      const d = decodeAction(manifest.action, outputs, 0);
      action = [d.steer, d.gas, d.brake];
    }
    const r = env.step(action);
    total += r.reward;
    steps++;
    frame = r.observation;
    if (r.info.lap_finished === true) lapFinished = true;
    if (r.terminated || r.truncated) break;
    if (env.tileVisitedCount > lastTiles) {
      lastTiles = env.tileVisitedCount;
      lastProgressStep = steps;
    } else if (stallSteps > 0 && steps - lastProgressStep >= stallSteps) {
      stalled = true;
      total -= STEP_PENALTY * (maxSteps - steps);
      break;
    }
  }
  return {
    seed: options.seed,
    return: total,
    steps,
    tiles: env.tileVisitedCount,
    tileCount: env.track!.tileCount,
    lapFinished,
    stalled,
  };
}
