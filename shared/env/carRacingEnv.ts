import type { ObservationScene } from '../render/observationScene.ts';
import { renderObservation, type RenderOptions } from '../render/renderObservation.ts';
import { LAP_COMPLETE_PERCENT, MAX_EPISODE_STEPS } from '../sim/constants.ts';
import type { IntegerSeed } from '../sim/rng/seedSequence.ts';
import { createTrackRng } from '../sim/rng/uniformSource.ts';
import type { UniformSource } from '../sim/rng/uniformSource.ts';
import { createSimulation } from '../sim/simulation.ts';
import type { Simulation } from '../sim/simulation.ts';
import { buildTrackFromRng } from '../sim/trackRoad.ts';
import type { Track, TrackStyle } from '../sim/trackTypes.ts';
import { actionToControls } from './actions.ts';
import type { CarRacingAction } from './actions.ts';
import { buildObservationScene } from './sceneBuilder.ts';

/**
 * Gymnasium's CarRacing (v3 by default, v0 with `style: 'v0'`) with its TimeLimit wrapper,
 * as a plain object (spec §7). One car; the physics is {@link Simulation}.
 */

/** `renderObservation` of shared/render: the 96×96×3 observation of a scene. */
export type ObservationRenderer = (
  scene: ObservationScene,
  style: TrackStyle,
  out?: Uint8Array,
  options?: RenderOptions,
) => Uint8Array;

export interface CarRacingEnvOptions {
  readonly continuous?: boolean;
  readonly style?: TrackStyle;
  readonly maxEpisodeSteps?: number;
  readonly lapCompletePercent?: number;
  readonly domainRandomize?: boolean;
  /** Compute observations (default true). With false, `observation` is null. */
  readonly render?: boolean;
  /** The observation renderer. [default: shared/render's `renderObservation`] */
  readonly renderer?: ObservationRenderer;
  /**
   * pygame.draw.polygon edge rule for the car and HUD (spec §8.5): 'pygame2.6' (current wheels) or
   * 'pygame2.5' (pygame <= 2.5, e.g. Debian's 2.1.2 that drew the reference frames). [default: 'pygame2.6']
   */
  readonly polygonRule?: 'pygame2.6' | 'pygame2.5';
  /**
   * Seed for a first `reset()` without a seed, where Gymnasium draws OS entropy (shared/ has
   * no entropy source). Without it such a reset throws {@link SeedRequiredError}.
   */
  readonly entropySeed?: () => IntegerSeed;
}

export interface ResetOptions {
  readonly seed?: IntegerSeed;
}

export type EnvInfo = { lap_finished?: boolean };

export interface ResetResult {
  readonly observation: Uint8Array | null;
  readonly info: EnvInfo;
}

export interface StepResult {
  readonly observation: Uint8Array | null;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: EnvInfo;
}

export interface CarRacingEnv {
  readonly continuous: boolean;
  readonly style: TrackStyle;
  readonly maxEpisodeSteps: number;
  reset(options?: ResetOptions): ResetResult;
  step(action: CarRacingAction): StepResult;
  /** The current episode's track and physics (null before the first reset). */
  readonly track: Track | null;
  readonly simulation: Simulation | null;
  /** `env.reward` (running), `env.tile_visited_count`, `env.t`, steps since reset. */
  readonly runningReward: number;
  readonly tileVisitedCount: number;
  readonly t: number;
  readonly elapsedSteps: number;
}

/** `step` before `reset` (Gymnasium's `ResetNeeded`). */
export class ResetNeededError extends Error {
  override readonly name = 'ResetNeededError';
}

/** A first `reset()` without a seed and no entropy source configured. */
export class SeedRequiredError extends Error {
  override readonly name = 'SeedRequiredError';
}

export function createCarRacingEnv(options: CarRacingEnvOptions = {}): CarRacingEnv {
  const continuous = options.continuous ?? true;
  const style: TrackStyle = options.style ?? 'v3';
  const maxEpisodeSteps = options.maxEpisodeSteps ?? MAX_EPISODE_STEPS;
  const lapCompletePercent = options.lapCompletePercent ?? LAP_COMPLETE_PERCENT;
  const domainRandomize = options.domainRandomize ?? false;
  const render = options.render ?? true;
  const renderer: ObservationRenderer = options.renderer ?? renderObservation;
  const renderOptions: RenderOptions = { polygonRule: options.polygonRule ?? 'pygame2.6' };
  if (style === 'v0' && !continuous) throw new RangeError('CarRacing-v0 has continuous actions only');
  if (style === 'v0' && domainRandomize) throw new RangeError('domain randomisation exists only in v1+ (style v3)');

  let rng: UniformSource | null = null;
  let track: Track | null = null;
  let sim: Simulation | null = null;
  let elapsedSteps = 0;

  const observe = (hudReward: number): Uint8Array | null => {
    if (!render || sim === null || track === null) return null;
    const scene = buildObservationScene(sim, track, { egoIndex: 0, hudReward });
    // A fresh array per call: callers may keep observations (frame stacking).
    return renderer(scene, style, undefined, renderOptions);
  };

  return {
    continuous,
    style,
    maxEpisodeSteps,
    get track() {
      return track;
    },
    get simulation() {
      return sim;
    },
    get runningReward() {
      return sim === null ? 0 : sim.reward(0);
    },
    get tileVisitedCount() {
      return sim === null ? 0 : sim.tilesVisited(0);
    },
    get t() {
      return sim === null ? 0 : sim.t;
    },
    get elapsedSteps() {
      return elapsedSteps;
    },

    reset(resetOptions: ResetOptions = {}): ResetResult {
      if (resetOptions.seed !== undefined) {
        rng = createTrackRng(resetOptions.seed, style);
      } else if (rng === null) {
        if (options.entropySeed === undefined) {
          throw new SeedRequiredError('the first reset needs a seed (or an entropySeed option)');
        }
        rng = createTrackRng(options.entropySeed(), style);
      }
      track = buildTrackFromRng(rng, { style, domainRandomize });
      const start = track.points[0];
      sim = createSimulation({
        track,
        spawns: [{ x: start.x, y: start.y, angle: start.beta }],
        lapCompletePercent,
      });
      elapsedSteps = 0;
      return { observation: observe(sim.reward(0)), info: {} };
    },

    step(action: CarRacingAction): StepResult {
      if (sim === null) throw new ResetNeededError('call reset() before step()');
      const controls = actionToControls(action, continuous);
      const [outcome] = sim.step([controls]);
      const observation = observe(outcome.hudReward);
      elapsedSteps += 1;
      const info: EnvInfo = outcome.terminated ? { lap_finished: outcome.lapFinished } : {};
      return {
        observation,
        reward: outcome.stepReward,
        terminated: outcome.terminated,
        truncated: elapsedSteps >= maxEpisodeSteps,
        info,
      };
    },
  };
}
