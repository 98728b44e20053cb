import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, SPEC_REFERENCE_DIR, readPngRgb } from '../../test/support/referenceData.ts';
import { HULL_COLOR, SIZE, WHEELPOS } from '../sim/constants.ts';
import { buildTrack } from '../sim/trackRoad.ts';
import type { CarRenderState, ObservationScene } from './observationScene.ts';
import { renderObservation } from './renderObservation.ts';
import { fillConvexV0, glColorByte, V0_LABEL_BOX } from './renderV0.ts';
import { mulberry32 } from './testScenes.ts';

const f32 = Math.fround;

/**
 * The v0 dump records the hull only (x, y, angle, vx, vy, omega): the wheels are placed rigidly
 * on the hull (no steering, phase 0) and their omegas / the steering angle are unknown, so the
 * car itself, the ABS bars and the steering bar cannot be compared.
 */
function carFromHull(hull: readonly number[]): CarRenderState {
  const [x, y, a] = hull;
  const c = f32(Math.cos(a));
  const s = f32(Math.sin(a));
  return {
    hullAngle: a,
    hullTransform: { px: x, py: y, c, s },
    hullLinearVelocity: [hull[3], hull[4]],
    hullAngularVelocity: hull[5],
    wheels: WHEELPOS.map(([wx, wy]) => ({
      transform: { px: f32(x + (c * wx - s * wy) * SIZE), py: f32(y + (s * wx + c * wy) * SIZE), c, s },
      phase: 0,
      omega: 0,
      jointAngle: 0,
    })),
    hullColor: HULL_COLOR,
  };
}

/** Regions the dump cannot reproduce: the system-font label, the car, the ABS and steering bars. */
function region(r: number, c: number): 'label' | 'car' | 'abs' | 'steer' | 'rest' {
  if (r >= V0_LABEL_BOX.rowLo && r <= V0_LABEL_BOX.rowHi && c >= V0_LABEL_BOX.colLo && c <= V0_LABEL_BOX.colHi)
    return 'label';
  if (r >= 66 && r <= 83 && c >= 38 && c <= 58) return 'car';
  if (r >= 84 && c >= 16 && c <= 27) return 'abs';
  if (r >= 84 && c >= 38 && c <= 58) return 'steer';
  return 'rest';
}

/** Per-pixel reference: centre inside, or on a "top" (dy = 0, dx > 0) / "left" (dy < 0) edge. */
function fillReference(out: Uint8Array, xs: number[], ys: number[]): void {
  const n = xs.length;
  let area = 0;
  for (let i = 0; i < n; i++) area += xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i];
  if (area === 0) return;
  const sign = area > 0 ? 1 : -1;
  for (let wy = 0; wy < 96; wy++) {
    for (let wx = 0; wx < 96; wx++) {
      const cx = wx * 256 + 128;
      const cy = wy * 256 + 128;
      let inside = true;
      for (let i = 0; i < n; i++) {
        const dx = sign * (xs[(i + 1) % n] - xs[i]);
        const dy = sign * (ys[(i + 1) % n] - ys[i]);
        const e = dx * (cy - ys[i]) - dy * (cx - xs[i]);
        if (e < 0 || (e === 0 && !((dy === 0 && dx > 0) || dy < 0))) inside = false;
      }
      if (inside) out[((95 - wy) * 96 + wx) * 3] = 255;
    }
  }
}

describe('v0 rasteriser', () => {
  it('per-row spans equal per-pixel edge tests, ties included', () => {
    const rnd = mulberry32(7);
    for (let iter = 0; iter < 3000; iter++) {
      // convex polygons (sorted angles around a centre), often snapped to pixel centres / edges
      const n = 3 + Math.floor(rnd() * 6);
      const cx = (rnd() * 130 - 17) * 256;
      const cy = (rnd() * 130 - 17) * 256;
      const rad = [200, 2000, 9000, 60000][iter % 4];
      const angles = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((a, b) => a - b);
      const snap = iter % 3 === 0 ? 128 : 1;
      const xs = angles.map((a) => Math.round((cx + rad * Math.cos(a)) / snap) * snap);
      const ys = angles.map((a) => Math.round((cy + rad * Math.sin(a)) / snap) * snap);
      if (iter % 2) {
        xs.reverse();
        ys.reverse();
      }
      const got = new Uint8Array(96 * 96 * 3);
      const want = new Uint8Array(96 * 96 * 3);
      fillConvexV0(got, xs, ys, n, 0xff0000);
      fillReference(want, xs, ys);
      expect(Buffer.compare(got, want), `case ${iter}`).toBe(0);
    }
  });
});

describe('v0 renderer vs gym 0.21 CarRacing-v0 (seed 0)', () => {
  it('float colours become bytes as Mesa does', () => {
    expect([0.4, 0.41, 0.42, 0.8, 0.9, 1, 0.2, 0].map(glColorByte)).toEqual([102, 105, 107, 204, 230, 255, 51, 0]);
  });

  const track = buildTrack(0, { style: 'v0' });
  const rollout = readJson<{ steps: { k: number; hull: number[] }[] }>(
    resolve(SPEC_REFERENCE_DIR, 'rollout_v0_seed0.json'),
  );
  const reset = readJson<Record<string, { hull_after_reset: number[] }>>(
    resolve(SPEC_REFERENCE_DIR, 'tracks_v0_seeds0-1.json'),
  )['0'];
  for (const step of [0, 1, 50, 120]) {
    it(`step ${step}: identical outside the label, the car and the ABS/steering bars`, () => {
      const hull = step === 0 ? [...reset.hull_after_reset, 0, 0, 0] : rollout.steps.find((s) => s.k === step)!.hull;
      let t = 0;
      for (let k = 0; k <= step; k++) t += 1 / 50;
      const ego = carFromHull(hull);
      const scene: ObservationScene = {
        t,
        road: track.road,
        tileInRoadColor: new Uint8Array(track.tileCount),
        roadColor: track.roadColor,
        bgColor: track.bgColor,
        grassColor: track.grassColor,
        ego,
        cars: [ego],
        hudReward: 0,
      };
      const obs = renderObservation(scene, 'v0');
      const png = readPngRgb(
        resolve(SPEC_REFERENCE_DIR, `rollout_v0_seed0_obs_step${String(step).padStart(3, '0')}.png`),
      );
      const counts = { label: 0, car: 0, abs: 0, steer: 0, rest: 0 };
      for (let i = 0; i < 96 * 96; i++) {
        if (obs[i * 3] !== png[i * 3] || obs[i * 3 + 1] !== png[i * 3 + 1] || obs[i * 3 + 2] !== png[i * 3 + 2]) {
          counts[region(Math.floor(i / 96), i % 96)]++;
        }
      }
      console.log(`v0 step ${step}: differing pixels ${JSON.stringify(counts)}`);
      expect(counts.rest).toBe(0);
    });
  }
});
