/**
 * One agent alone on a CarRacing track, Gymnasium style: reset, then decide → step until the
 * episode ends. Used by the upload trial, `npm run sim -- evaluate`, the agent benchmark and the
 * trainers (server/training/trainingEpisode.ts). Decision latency is the model call alone
 * (preprocessing and rendering are the server's).
 */
import { createCarRacingEnv } from '../../../shared/env/carRacingEnv.ts';
import { computeStateFeatures, STATE_FEATURE_COUNT } from '../../../shared/agents/stateFeatures.ts';
import { AgentCarController, type AgentPolicy, type RawObservation } from './agentPolicy.ts';

export interface EpisodeOptions {
  readonly seed: number;
  /** Gymnasium's TimeLimit. [default: 1000] */
  readonly maxSteps?: number;
  /** Observation style; [default: the manifest's] */
  readonly style?: 'v3' | 'v0';
  /** Monotonic clock in ms for latencies. [default: performance.now] */
  readonly nowMs?: () => number;
  /**
   * Training only: stop once the car has visited no new tile for this many steps (0: never). The
   * return then counts −0.1 for every step left to the time limit, which is exactly the return of
   * a car that stays stalled. [default: 0]
   */
  readonly stallSteps?: number;
}

export interface EpisodeResult {
  readonly seed: number;
  readonly return: number;
  readonly steps: number;
  readonly tiles: number;
  readonly tileCount: number;
  readonly lapFinished: boolean;
  /** Decisions whose action was non-finite. */
  readonly faults: number;
  /** Model latency of every decision, ms. */
  readonly latenciesMs: number[];
  /** Stopped early by `stallSteps`. */
  readonly stalled: boolean;
}

/** CarRacing's reward per step. */
const STEP_PENALTY = 0.1;

export async function runAgentEpisode(policy: AgentPolicy, options: EpisodeOptions): Promise<EpisodeResult> {
  const source = policy.manifest.observation.source;
  const maxSteps = options.maxSteps ?? 1000;
  const stallSteps = options.stallSteps ?? 0;
  const env = createCarRacingEnv({
    style: options.style ?? policy.manifest.observation.style,
    maxEpisodeSteps: maxSteps,
    render: source === 'frame',
  });
  const nowMs = options.nowMs ?? (() => performance.now());
  const controller = new AgentCarController(policy);
  const input = new Float32Array(policy.sampleSize);
  const features = new Float32Array(STATE_FEATURE_COUNT);
  const latenciesMs: number[] = [];

  let frame = env.reset({ seed: options.seed }).observation;
  let total = 0;
  let steps = 0;
  let lapFinished = false;
  let stalled = false;
  let lastTiles = 0;
  let lastProgressStep = 0;
  for (;;) {
    if (controller.isDue(steps)) {
      let observation: RawObservation;
      if (source === 'frame') {
        if (frame === null) throw new Error('the environment rendered no frame');
        observation = { kind: 'frame', frame };
      } else {
        computeStateFeatures(env.simulation!, env.track!.points, 0, features);
        observation = { kind: 'state', features };
      }
      controller.writeSample(observation, input, 0);
      const t0 = nowMs();
      const outputs = await policy.model.run(input, 1);
      latenciesMs.push(nowMs() - t0);
      controller.applyOutputs(outputs, 0);
    }
    const { steer, gas, brake } = controller.action;
    const r = env.step([steer, gas, brake]);
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
    faults: controller.faults,
    latenciesMs,
    stalled,
  };
}
