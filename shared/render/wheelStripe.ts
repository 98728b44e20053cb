import { SIZE, WHEEL_R, WHEEL_W } from '../sim/constants.ts';

const STRIPE_X = Math.fround(WHEEL_W * SIZE);

/**
 * The white stripe of a wheel at rotation `phase` (car_dynamics.draw, spec §8.2 layer 4), as a
 * local quad written into `out` (float32, like the vertices Box2D's transform is applied to).
 * Returns false when the stripe is hidden (both edges on the far side of the wheel).
 */
export function writeWheelStripe(phase: number, out: Float32Array): boolean {
  const a1 = phase;
  const a2 = phase + 1.2;
  const s1 = Math.sin(a1);
  const s2 = Math.sin(a2);
  let c1 = Math.cos(a1);
  let c2 = Math.cos(a2);
  if (s1 > 0 && s2 > 0) return false;
  if (s1 > 0) c1 = Math.sign(c1);
  if (s2 > 0) c2 = Math.sign(c2);
  const y1 = WHEEL_R * c1 * SIZE;
  const y2 = WHEEL_R * c2 * SIZE;
  out[0] = -STRIPE_X;
  out[1] = y1;
  out[2] = STRIPE_X;
  out[3] = y1;
  out[4] = STRIPE_X;
  out[5] = y2;
  out[6] = -STRIPE_X;
  out[7] = y2;
  return true;
}
