/**
 * The indicator bars under the view (spec §8.6 for v3, §9.2 for v0): one black bar, then up to seven
 * quads. Coordinates are window coordinates of the 1000x800 canvas, y-down (v3, after the flip).
 */
import { WINDOW_H, WINDOW_W } from '../sim/constants.ts';
import type { CarRenderState } from './observationScene.ts';

/** Up to 8 quads: xs/ys hold 4 vertices per quad (as floats, before int truncation). */
export interface HudQuads {
  count: number;
  readonly colors: Int32Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

export function newHudQuads(): HudQuads {
  return { count: 0, colors: new Int32Array(8), xs: new Float64Array(32), ys: new Float64Array(32) };
}

const W = WINDOW_W;
const H = WINDOW_H;
const s = W / 40.0;
const h = H / 40.0;

function push(
  q: HudQuads,
  color: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  x3: number,
  y3: number,
): void {
  const k = q.count++;
  q.colors[k] = color;
  const o = k * 4;
  q.xs[o] = x0;
  q.ys[o] = y0;
  q.xs[o + 1] = x1;
  q.ys[o + 1] = y1;
  q.xs[o + 2] = x2;
  q.ys[o + 2] = y2;
  q.xs[o + 3] = x3;
  q.ys[o + 3] = y3;
}

function vertical(q: HudQuads, value: number, threshold: boolean, place: number, val: number, color: number): void {
  if (threshold && !(Math.abs(value) > 1e-4)) return;
  const top = H - (h + h * val);
  push(q, color, place * s, top, (place + 1) * s, top, (place + 1) * s, H - h, (place + 0) * s, H - h);
}

function horizontal(q: HudQuads, value: number, threshold: boolean, place: number, val: number, color: number): void {
  if (threshold && !(Math.abs(value) > 1e-4)) return;
  push(
    q,
    color,
    (place + 0) * s,
    H - 4 * h,
    (place + val) * s,
    H - 4 * h,
    (place + val) * s,
    H - 2 * h,
    (place + 0) * s,
    H - 2 * h,
  );
}

/**
 * Gymnasium's _render_indicators. `threshold`: v3 draws an indicator only when |raw value| > 1e-4;
 * v0 always draws all of them. Colours are packed 0xRRGGBB.
 */
export function hudQuads(car: CarRenderState, threshold: boolean, q: HudQuads = newHudQuads()): HudQuads {
  q.count = 0;
  push(q, 0x000000, W, H, W, H - 5 * h, 0, H - 5 * h, 0, H);
  const vx = car.hullLinearVelocity[0];
  const vy = car.hullLinearVelocity[1];
  const trueSpeed = Math.sqrt(vx * vx + vy * vy);
  const w = car.wheels;
  vertical(q, trueSpeed, threshold, 5, 0.02 * trueSpeed, 0xffffff);
  vertical(q, w[0].omega, threshold, 7, 0.01 * w[0].omega, 0x0000ff);
  vertical(q, w[1].omega, threshold, 8, 0.01 * w[1].omega, 0x0000ff);
  vertical(q, w[2].omega, threshold, 9, 0.01 * w[2].omega, 0x3300ff);
  vertical(q, w[3].omega, threshold, 10, 0.01 * w[3].omega, 0x3300ff);
  horizontal(q, w[0].jointAngle, threshold, 20, -10.0 * w[0].jointAngle, 0x00ff00);
  horizontal(q, car.hullAngularVelocity, threshold, 30, -0.8 * car.hullAngularVelocity, 0xff0000);
  return q;
}
