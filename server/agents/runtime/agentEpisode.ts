/**
 * One agent alone on a CarRacing track, Gymnasium style: reset, then decide → step until the
 * episode ends. Used by the upload trial, `npm run sim -- evaluate` and the agent benchmark.
 * Decision latency is the model call alone (preprocessing and rendering are the server's).
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
}

export async function runAgentEpisode(policy: AgentPolicy, options: EpisodeOptions): Promise<EpisodeResult> {
  const source = policy.manifest.observation.source;
  const env = createCarRacingEnv({
    style: options.style ?? policy.manifest.observation.style,
    maxEpisodeSteps: options.maxSteps ?? 1000,
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
  };
}
