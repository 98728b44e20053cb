import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REF_DATA_DIR, SPEC_REFERENCE_DIR, readJson, readPngRgb } from '../../test/support/referenceData.ts';
import { createCarRacingEnv } from './carRacingEnv.ts';

/**
 * The whole pipeline, physics and renderer together, against the frames Gymnasium returned.
 * ref/data was drawn by Gymnasium 1.3.0, whose HUD score is the full float repr: its text box
 * (rows 87..92, cols 0..25) is left out there. spec/carracing_reference used the released "%04i".
 */

/**
 * The issue allows a mean absolute difference of 1.0. Measured: 50 of 68 frames pixel-identical,
 * the rest differ in at most 24 pixels (car edges and HUD bars moved by the float32-vs-float64
 * physics drift), mean at most 0.0035. Asserted with a small margin over that.
 */
const MAX_MEAN_ABS_DIFF = 0.02;

function isScoreBox(row: number, col: number): boolean {
  return row >= 87 && row <= 92 && col <= 25;
}

function compare(ours: Uint8Array, theirs: Uint8Array, maskScore: boolean): { mean: number; differing: number } {
  let sum = 0;
  let count = 0;
  let differing = 0;
  for (let row = 0; row < 96; row++) {
    for (let col = 0; col < 96; col++) {
      if (maskScore && isScoreBox(row, col)) continue;
      let pixelDiffers = false;
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(ours[(row * 96 + col) * 3 + c] - theirs[(row * 96 + col) * 3 + c]);
        sum += d;
        count++;
        if (d > 0) pixelDiffers = true;
      }
      if (pixelDiffers) differing++;
    }
  }
  return { mean: sum / count, differing };
}

interface Episode {
  seed: number;
  steps: { action: number[]; pos: [number, number] }[];
  frames: { steps: number[]; png_dir: string };
}

const RUNS = [
  'continuous_seed_00',
  'continuous_seed_01',
  'continuous_seed_02',
  'continuous_seed_03',
  'continuous_seed_04',
  'lap_seed_01',
];

describe('CarRacing-v3 frames of our own rollouts against Gymnasium 1.3.0 (ref/data)', () => {
  for (const name of RUNS) {
    it(`${name}: mean absolute difference <= 1.0 outside the score text while the poses agree`, () => {
      const ep = readJson<Episode>(resolve(REF_DATA_DIR, `${name}.json`));
      const env = createCarRacingEnv({ polygonRule: 'pygame2.5' });
      const frameSteps = new Set(ep.frames.steps);
      const check = (step: number, obs: Uint8Array): void => {
        const ref = readPngRgb(resolve(REF_DATA_DIR, ep.frames.png_dir, `step_${String(step).padStart(4, '0')}.png`));
        const { mean, differing } = compare(obs, ref, true);
        expect(mean, `${name} step ${step}: ${differing} differing pixels`).toBeLessThanOrEqual(MAX_MEAN_ABS_DIFF);
      };
      check(0, env.reset({ seed: ep.seed }).observation!);
      ep.steps.forEach((st, i) => {
        const r = env.step(st.action);
        const [x, y] = env.simulation!.carState(0).hullPosition;
        expect(Math.max(Math.abs(x - st.pos[0]), Math.abs(y - st.pos[1])), `${name} step ${i + 1}`).toBeLessThan(1e-3);
        if (frameSteps.has(i + 1)) check(i + 1, r.observation!);
      });
    });
  }
});

interface SpecRollout {
  seed: number;
  continuous: boolean;
  steps: { k: number; action: number[] | number | null }[];
}

describe('CarRacing-v3 frames of our own rollouts against the spec rollouts ("%04i" score text)', () => {
  const ROLLOUTS: [string, number[]][] = [
    ['continuous_seed0', [0, 1, 25, 49, 50, 100, 200, 300]],
    ['discrete_seed1', [0, 1, 25, 49, 50, 100, 200]],
  ];
  for (const [name, pngSteps] of ROLLOUTS) {
    it(`${name}: the same frames, score text included, up to small physics drift`, () => {
      const ro = readJson<SpecRollout>(resolve(SPEC_REFERENCE_DIR, `rollout_v3_${name}.json`));
      const env = createCarRacingEnv({ continuous: ro.continuous, polygonRule: 'pygame2.5' });
      const wanted = new Set(pngSteps);
      const results: string[] = [];
      const check = (step: number, obs: Uint8Array): void => {
        const ref = readPngRgb(
          resolve(SPEC_REFERENCE_DIR, `rollout_v3_${name}_obs_step${String(step).padStart(3, '0')}.png`),
        );
        const { mean, differing } = compare(obs, ref, false);
        results.push(`step ${step}: ${differing} px, mean ${mean.toFixed(4)}`);
        expect(mean, `${name} step ${step}: ${differing} differing pixels`).toBeLessThanOrEqual(MAX_MEAN_ABS_DIFF);
      };
      check(0, env.reset({ seed: ro.seed }).observation!);
      for (const st of ro.steps) {
        if (st.k === 0 || st.action === null) continue;
        const r = env.step(st.action);
        if (wanted.has(st.k)) check(st.k, r.observation!);
      }
      expect(results).toHaveLength(pngSteps.length);
    });
  }
});
