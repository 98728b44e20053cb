import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, REF_DATA_DIR } from '../../test/support/referenceData.ts';
import { renderObservation } from './renderObservation.ts';
import { renderV3Reference } from './referenceV3.ts';
import { roadDrawListFromRoadPoly, tileCount, type RoadPolyJson } from './referenceScene.ts';
import { mulberry32, randomScene, type SceneOptions } from './testScenes.ts';
import type { ObservationScene } from './observationScene.ts';

const roads = [0, 1, 2].map((seed) =>
  roadDrawListFromRoadPoly(
    readJson<{ road_poly: RoadPolyJson[] }>(resolve(REF_DATA_DIR, `continuous_seed_0${seed}.json`)).road_poly,
    [102, 102, 102],
  ),
);

function firstDiff(a: Uint8Array, b: Uint8Array): string | null {
  for (let i = 0; i < a.length; i += 3) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) {
      const p = i / 3;
      return `(${Math.floor(p / 96)}, ${p % 96}): fast ${a[i]},${a[i + 1]},${a[i + 2]} ref ${b[i]},${b[i + 1]},${b[i + 2]}`;
    }
  }
  return null;
}

function check(scene: ObservationScene, label: string): void {
  for (const rule of ['pygame2.6', 'pygame2.5'] as const) {
    const fast = renderObservation(scene, 'v3', undefined, { polygonRule: rule });
    const ref = renderV3Reference(scene, { polygonRule: rule });
    const d = firstDiff(fast, ref);
    expect(d, `${label} ${rule}: ${d}`).toBeNull();
  }
}

function cases(name: string, n: number, seed: number, options: (rnd: () => number, k: number) => SceneOptions): void {
  it(name, () => {
    const rnd = mulberry32(seed);
    for (let k = 0; k < n; k++) {
      const road = roads[k % 3];
      check(randomScene(road, tileCount(road), rnd, options(rnd, k)), `${name} #${k}`);
    }
  });
}

describe('fast v3 renderer is byte-identical to the reference renderer', () => {
  cases('zoomed in, car on the road', 24, 11, () => ({ t: 1.02 }));
  cases('zoom-in frames (t < 1)', 12, 12, (rnd) => ({ t: [0.02, 0.04, 0.1, 0.3, 0.52, 0.98][Math.floor(rnd() * 6)] }));
  cases('anywhere on the field, any angle', 12, 13, () => ({ placement: 1 }));
  cases('at and beyond the playfield edge', 12, 14, (rnd) => ({ placement: 2, t: rnd() < 0.3 ? 0.3 : 1.5 }));
  cases('several cars', 10, 15, (rnd) => ({ cars: 2 + Math.floor(rnd() * 6) }));
  cases('domain-randomised colours', 10, 16, (rnd) => ({ randomColors: true, t: rnd() < 0.3 ? 0.05 : 1.02 }));
});
