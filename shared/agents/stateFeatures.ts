/**
 * `state-v1`: the feature vector the arena's small MLP agents see instead of pixels — what a
 * driver feels and where the road goes, in the car's own frame. Cheap (no rendering), so
 * evolution runs fast; not what a Gymnasium agent sees, so such agents are arena-native.
 *
 * Layout (24 float32):
 *   0  forward speed / 100            1  sideways speed / 100 (+ = to the right)
 *   2  yaw rate / 5 (rad/s)           3  front-wheel steering angle / 0.42 (joint limit)
 *   4..23  the centre line ahead: for each of LOOKAHEAD points k (track points nearest + k),
 *          (right, forward) offsets from the hull in car axes, / 50.
 */
import type { Simulation } from '../sim/simulation.ts';
import { nearestTrackPoint } from '../sim/trackNearest.ts';
import type { TrackPoint } from '../sim/trackTypes.ts';

/** Track points ahead of the nearest one that the features include. */
export const STATE_LOOKAHEAD = [1, 2, 3, 5, 7, 10, 13, 17, 22, 28] as const;
export const STATE_FEATURE_COUNT = 4 + 2 * STATE_LOOKAHEAD.length;

/** Writes car `carIndex`'s features into `out` at `offset`. */
export function computeStateFeatures(
  sim: Simulation,
  points: readonly TrackPoint[],
  carIndex: number,
  out: Float32Array,
  offset = 0,
): void {
  const state = sim.carState(carIndex);
  const [x, y] = state.hullPosition;
  const a = state.hullAngle;
  // The car's nose is its local +y axis; its right is local +x.
  const fx = -Math.sin(a);
  const fy = Math.cos(a);
  const rx = fy;
  const ry = -fx;
  const [vx, vy] = state.hullLinearVelocity;
  out[offset] = (vx * fx + vy * fy) / 100;
  out[offset + 1] = (vx * rx + vy * ry) / 100;
  out[offset + 2] = state.hullAngularVelocity / 5;
  out[offset + 3] = (state.wheels[0]?.jointAngle ?? 0) / 0.42;
  const n = points.length;
  const nearest = nearestTrackPoint(points, x, y);
  STATE_LOOKAHEAD.forEach((k, j) => {
    const p = points[(nearest + k) % n];
    const dx = p.x - x;
    const dy = p.y - y;
    out[offset + 4 + 2 * j] = (dx * rx + dy * ry) / 50;
    out[offset + 5 + 2 * j] = (dx * fx + dy * fy) / 50;
  });
}
