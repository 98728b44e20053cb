import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, REF_DATA_DIR, SPEC_REFERENCE_DIR, readPngRgb } from '../../test/support/referenceData.ts';
import { renderObservation } from './renderObservation.ts';
import { renderV3Reference } from './referenceV3.ts';
import {
  roadDrawListFromRoadPoly,
  sceneFromRenderInputs,
  type RenderInputsJson,
  type RoadPolyJson,
} from './referenceScene.ts';

/** The recorded rollouts with renderer inputs, and the ref/data episode holding their road_poly. */
const ROLLOUTS = [
  { name: 'continuous_seed0', seed: 0 },
  { name: 'discrete_seed1', seed: 1 },
];

function diffCount(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 3) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
}

// The PNGs were drawn by pygame 2.1.2: the <= 2.5 draw.polygon rule (spec §8.5).
describe('v3 observations vs Gymnasium (pygame 2.1.2) PNGs: 0 differing pixels', () => {
  for (const r of ROLLOUTS) {
    const rollout = readJson<{ render_inputs_at_png_steps: Record<string, RenderInputsJson> }>(
      resolve(SPEC_REFERENCE_DIR, `rollout_v3_${r.name}.json`),
    );
    const roadPoly = readJson<{ road_poly: RoadPolyJson[] }>(
      resolve(REF_DATA_DIR, `continuous_seed_0${r.seed}.json`),
    ).road_poly;
    for (const [step, ri] of Object.entries(rollout.render_inputs_at_png_steps)) {
      it(`${r.name} step ${step}`, () => {
        const road = roadDrawListFromRoadPoly(roadPoly, [ri.road_color[0], ri.road_color[1], ri.road_color[2]]);
        const scene = sceneFromRenderInputs(ri, road);
        const png = readPngRgb(
          resolve(SPEC_REFERENCE_DIR, `rollout_v3_${r.name}_obs_step${step.padStart(3, '0')}.png`),
        );
        expect(diffCount(renderV3Reference(scene, { polygonRule: 'pygame2.5' }), png), 'reference renderer').toBe(0);
        expect(
          diffCount(renderObservation(scene, 'v3', undefined, { polygonRule: 'pygame2.5' }), png),
          'renderObservation',
        ).toBe(0);
      });
    }
  }

  it('the pygame >= 2.6 rule (the default) only moves car / HUD edge pixels', () => {
    const r = ROLLOUTS[0];
    const rollout = readJson<{ render_inputs_at_png_steps: Record<string, RenderInputsJson> }>(
      resolve(SPEC_REFERENCE_DIR, `rollout_v3_${r.name}.json`),
    );
    const roadPoly = readJson<{ road_poly: RoadPolyJson[] }>(
      resolve(REF_DATA_DIR, `continuous_seed_0${r.seed}.json`),
    ).road_poly;
    const ri = rollout.render_inputs_at_png_steps['100'];
    const scene = sceneFromRenderInputs(ri, roadDrawListFromRoadPoly(roadPoly, [102, 102, 102]));
    const png = readPngRgb(resolve(SPEC_REFERENCE_DIR, `rollout_v3_${r.name}_obs_step100.png`));
    const d = diffCount(renderObservation(scene, 'v3'), png);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(40);
  });
});
