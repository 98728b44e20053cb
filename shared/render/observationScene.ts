import type { Rgb } from '../sim/constants.ts';
import type { RoadDrawList } from '../sim/trackTypes.ts';

/**
 * Everything the observation renderer needs, as plain data: the renderer is a pure function
 * of this (spec §8). Field names follow `render_inputs_at_png_steps` of the reference dumps.
 */

/** A Box2D body transform as the renderer sees it: float32 position and rotation (c = cos, s = sin). */
export interface BodyTransform {
  readonly px: number;
  readonly py: number;
  readonly c: number;
  readonly s: number;
}

export interface WheelRenderState {
  readonly transform: BodyTransform;
  /** Wheel rotation phase (drives the stripe). */
  readonly phase: number;
  /** Wheel angular speed, rad/s (HUD ABS bars). */
  readonly omega: number;
  /** Steering joint angle, rad (HUD steering bar; wheel 0). */
  readonly jointAngle: number;
}

export interface CarRenderState {
  /** Hull angle as Box2D reports it (float32 widened to double). */
  readonly hullAngle: number;
  readonly hullTransform: BodyTransform;
  readonly hullLinearVelocity: readonly [number, number];
  readonly hullAngularVelocity: number;
  /** 0 front-left, 1 front-right, 2 rear-left, 3 rear-right. */
  readonly wheels: readonly WheelRenderState[];
  /** Hull fill colour as drawn (v3 integers, e.g. [204, 0, 0]). */
  readonly hullColor: Rgb;
}

export interface ObservationScene {
  /** Environment time in seconds at render (t accumulated as in spec §7.3); drives the zoom-in. */
  readonly t: number;
  readonly road: RoadDrawList;
  /**
   * Per tile: 1 when this viewer sees the tile in road colour (visited / touched), else 0 and
   * the tile keeps its shade from `road.colors`.
   */
  readonly tileInRoadColor: Uint8Array;
  readonly roadColor: Rgb;
  readonly bgColor: Rgb;
  readonly grassColor: Rgb;
  /** The car the camera follows and whose HUD is drawn. */
  readonly ego: CarRenderState;
  /** Every car to draw, in drawing order (the ego car included, usually last so it is on top). */
  readonly cars: readonly CarRenderState[];
  /** The env's running reward at render time (HUD score text, spec §8.7). */
  readonly hudReward: number;
}
