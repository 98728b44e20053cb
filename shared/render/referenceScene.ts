/**
 * Builds renderer inputs from the JSON of the reference dumps (spec §13): Gymnasium's `road_poly`
 * and `render_inputs_at_png_steps`. Pure data conversion (no I/O): tests and replay tools read
 * the files and hand the parsed JSON in.
 */
import { HULL_COLOR, type Rgb } from '../sim/constants.ts';
import type { RoadDrawList } from '../sim/trackTypes.ts';
import type { BodyTransform, CarRenderState, ObservationScene } from './observationScene.ts';

export interface RoadPolyJson {
  readonly vertices: readonly (readonly number[])[];
  readonly color: readonly number[];
}

function isKerbColor(c: readonly number[]): boolean {
  return c[0] === 255 && c[2] === c[1] && (c[1] === 255 || c[1] === 0);
}

/**
 * RoadDrawList from Gymnasium's `road_poly` (tiles with their kerbs interleaved). Tile colours are
 * rebuilt as created (road_color + 0.01 * (i % 3) * 255) because the dump shows them after reset,
 * when the spawn tiles were already recoloured.
 */
export function roadDrawListFromRoadPoly(roadPoly: readonly RoadPolyJson[], roadColor: Rgb): RoadDrawList {
  const count = roadPoly.length;
  const vertices = new Float64Array(count * 8);
  const tileIndex = new Int32Array(count);
  const colors = new Float64Array(count * 3);
  let tile = 0;
  roadPoly.forEach((p, i) => {
    if (p.vertices.length !== 4) throw new Error('road polygon without 4 vertices');
    p.vertices.forEach((v, k) => {
      vertices[i * 8 + k * 2] = v[0];
      vertices[i * 8 + k * 2 + 1] = v[1];
    });
    if (isKerbColor(p.color) && i > 0 && tileIndex[i - 1] >= 0) {
      tileIndex[i] = -1;
      colors.set(p.color.slice(0, 3), i * 3);
    } else {
      tileIndex[i] = tile;
      const c = 0.01 * (tile % 3) * 255;
      colors[i * 3] = roadColor[0] + c;
      colors[i * 3 + 1] = roadColor[1] + c;
      colors[i * 3 + 2] = roadColor[2] + c;
      tile++;
    }
  });
  return { count, vertices, tileIndex, colors };
}

export function tileCount(road: RoadDrawList): number {
  let n = 0;
  for (let i = 0; i < road.count; i++) if (road.tileIndex[i] >= 0) n++;
  return n;
}

interface WheelJson {
  readonly transform_px_py_c_s: readonly number[];
  readonly phase: number;
  readonly omega: number;
  readonly joint_angle: number;
}

/** One entry of `render_inputs_at_png_steps`. */
export interface RenderInputsJson {
  readonly t: number;
  readonly hud_reward_at_render: number;
  readonly hull_angle: number;
  readonly hull_transform_px_py_c_s: readonly number[];
  readonly hull_linear_velocity: readonly number[];
  readonly hull_angular_velocity: number;
  readonly wheels: readonly WheelJson[];
  readonly tiles_with_road_color: readonly number[];
  readonly road_color: readonly number[];
  readonly bg_color: readonly number[];
  readonly grass_color: readonly number[];
}

function transform(a: readonly number[]): BodyTransform {
  return { px: a[0], py: a[1], c: a[2], s: a[3] };
}

function rgb(a: readonly number[]): Rgb {
  return [a[0], a[1], a[2]];
}

export function carFromRenderInputs(ri: RenderInputsJson, hullColor: Rgb = HULL_COLOR): CarRenderState {
  return {
    hullAngle: ri.hull_angle,
    hullTransform: transform(ri.hull_transform_px_py_c_s),
    hullLinearVelocity: [ri.hull_linear_velocity[0], ri.hull_linear_velocity[1]],
    hullAngularVelocity: ri.hull_angular_velocity,
    wheels: ri.wheels.map((w) => ({
      transform: transform(w.transform_px_py_c_s),
      phase: w.phase,
      omega: w.omega,
      jointAngle: w.joint_angle,
    })),
    hullColor,
  };
}

export function sceneFromRenderInputs(ri: RenderInputsJson, road: RoadDrawList): ObservationScene {
  const tileInRoadColor = new Uint8Array(tileCount(road));
  for (const t of ri.tiles_with_road_color) tileInRoadColor[t] = 1;
  const ego = carFromRenderInputs(ri);
  return {
    t: ri.t,
    road,
    tileInRoadColor,
    roadColor: rgb(ri.road_color),
    bgColor: rgb(ri.bg_color),
    grassColor: rgb(ri.grass_color),
    ego,
    cars: [ego],
    hudReward: ri.hud_reward_at_render,
  };
}
