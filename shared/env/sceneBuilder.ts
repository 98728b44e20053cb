import { HULL_COLOR } from '../sim/constants.ts';
import type { Rgb } from '../sim/constants.ts';
import type { CarPhysicsState, Simulation } from '../sim/simulation.ts';
import type { Track } from '../sim/trackTypes.ts';
import type { CarRenderState, ObservationScene } from '../render/observationScene.ts';

/** The renderer's view of one car of the simulation (spec §8 inputs). */
export function carRenderStateOf(state: CarPhysicsState, hullColor: Rgb = HULL_COLOR): CarRenderState {
  return {
    hullAngle: state.hullAngle,
    hullTransform: state.hullTransform,
    hullLinearVelocity: state.hullLinearVelocity,
    hullAngularVelocity: state.hullAngularVelocity,
    wheels: state.wheels.map((w) => ({
      transform: w.transform,
      phase: w.phase,
      omega: w.omega,
      jointAngle: w.jointAngle,
    })),
    hullColor,
  };
}

export interface SceneOptions {
  /** The car the camera follows. */
  readonly egoIndex: number;
  /** The HUD score (the ego car's running reward at render time). */
  readonly hudReward: number;
  /** Hull colour per car id (default: every car red, as single-car CarRacing draws it). */
  readonly hullColors?: readonly Rgb[];
  /** Draw the other cars too (default true); the ego car is drawn last, on top. */
  readonly drawOthers?: boolean;
}

/** Everything the observation renderer needs for car `egoIndex`'s view, as plain data. */
export function buildObservationScene(sim: Simulation, track: Track, options: SceneOptions): ObservationScene {
  const { egoIndex } = options;
  const colorOf = (k: number): Rgb => options.hullColors?.[k] ?? HULL_COLOR;
  const ego = carRenderStateOf(sim.carState(egoIndex), colorOf(egoIndex));
  const cars: CarRenderState[] = [];
  if (options.drawOthers ?? true) {
    for (let k = 0; k < sim.carCount; k++) {
      if (k !== egoIndex) cars.push(carRenderStateOf(sim.carState(k), colorOf(k)));
    }
  }
  cars.push(ego);
  return {
    t: sim.t,
    road: track.road,
    tileInRoadColor: sim.tileInRoadColor(egoIndex),
    roadColor: track.roadColor,
    bgColor: track.bgColor,
    grassColor: track.grassColor,
    ego,
    cars,
    hudReward: options.hudReward,
  };
}
