/**
 * `npx tsx bench/render.bench.ts`: time per 96x96 observation of shared/render's renderObservation
 * on the recorded Gymnasium frames (../shared/spec/carracing_reference), one core.
 *
 * Cases: v3 zoomed in (t >= 1, the steady state), v3 during the zoom-in (t = 0.02, whole map in
 * view), v0. Budget: well under 0.25 ms per v3 observation (>= 3,000 env steps/s with physics).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderObservation, type ObservationStyle } from '../shared/render/renderObservation.ts';
import {
  roadDrawListFromRoadPoly,
  sceneFromRenderInputs,
  type RenderInputsJson,
  type RoadPolyJson,
} from '../shared/render/referenceScene.ts';
import type { ObservationScene } from '../shared/render/observationScene.ts';

const SHARED = process.env.ARENA_SHARED_DIR ?? resolve(import.meta.dirname, '../../shared');
const REF = resolve(SHARED, 'spec/carracing_reference');

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function scenes(rollout: string, seed: number): Map<number, ObservationScene> {
  const r = readJson<{ render_inputs_at_png_steps: Record<string, RenderInputsJson> }>(
    resolve(REF, `rollout_v3_${rollout}.json`),
  );
  const d = readJson<{ road_poly: RoadPolyJson[] }>(resolve(SHARED, `ref/data/continuous_seed_0${seed}.json`));
  const out = new Map<number, ObservationScene>();
  for (const [step, ri] of Object.entries(r.render_inputs_at_png_steps)) {
    out.set(Number(step), sceneFromRenderInputs(ri, roadDrawListFromRoadPoly(d.road_poly, [102, 102, 102])));
  }
  return out;
}

/**
 * Best of `rounds` timed rounds after a warm-up. Wall time and process CPU time are both shown:
 * on a shared machine the wall time also counts what other processes take.
 */
function bench(label: string, list: ObservationScene[], style: ObservationStyle, rounds = 7, roundMs = 250): number {
  const out = new Uint8Array(96 * 96 * 3);
  for (let k = 0; k < 300; k++) renderObservation(list[k % list.length], style, out);
  let best = Infinity;
  let bestCpu = Infinity;
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < roundMs) {
      for (let k = 0; k < list.length * 4; k++) renderObservation(list[k % list.length], style, out);
      n += list.length * 4;
      t = performance.now();
    }
    const cpu = process.cpuUsage(c0);
    best = Math.min(best, (1000 * (t - t0)) / n);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / n);
  }
  console.log(
    `${label.padEnd(50)} ${best.toFixed(1).padStart(7)} us/obs wall, ${bestCpu.toFixed(1).padStart(7)} us/obs CPU (best of ${rounds})`,
  );
  return best;
}

const c0 = scenes('continuous_seed0', 0);
const d1 = scenes('discrete_seed1', 1);
const zoomed = [...c0.entries(), ...d1.entries()].filter(([s]) => s >= 49).map(([, sc]) => sc);
const zoomIn = [c0.get(0)!, d1.get(0)!];
const onlyArg = process.argv[2];
if (!onlyArg || onlyArg === 'v3') {
  bench('v3 zoomed in (t >= 1), 9 recorded frames', zoomed, 'v3');
  bench('v3 zoom-in start (t = 0.02), 2 recorded frames', zoomIn, 'v3');
  bench('v3 mid zoom-in (t = 0.52), 2 recorded frames', [c0.get(25)!, d1.get(25)!], 'v3');
}
if (!onlyArg || onlyArg === 'v0') {
  try {
    bench('v0 zoomed in (same scenes)', zoomed, 'v0');
  } catch (e) {
    console.log(`v0: ${(e as Error).message}`);
  }
}
