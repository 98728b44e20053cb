/**
 * Recorded Gymnasium CarRacing-v3 episodes (`../shared/ref/data/*.json`, see its README) and
 * the road they were driven on, as physics/env tests need them.
 */
import { resolve } from 'node:path';
import { TRACK_WIDTH } from '../../shared/sim/constants.ts';
import { readJson, REF_DATA_DIR } from './referenceData.ts';

export type Vec2Pair = [number, number];

export interface RefWheel {
  pos: Vec2Pair;
  angle: number;
  vel: Vec2Pair;
  omega: number;
  phase: number;
  gas: number;
  brake: number;
  steer: number;
  joint_angle: number;
  n_tiles: number;
}

export interface RefCarState {
  pos: Vec2Pair;
  angle: number;
  vel: Vec2Pair;
  ang_vel: number;
  wheels: RefWheel[];
}

export interface RefStep extends RefCarState {
  i: number;
  action: [number, number, number];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: { lap_finished?: boolean };
  reward_total: number;
  tile_visited_count: number;
  t: number;
}

export interface RefEpisode {
  seed: number;
  /** [alpha, beta, x, y] per track point. */
  track: [number, number, number, number][];
  road_poly: { vertices: Vec2Pair[]; color: [number, number, number] }[];
  car_init: { angle: number; x: number; y: number };
  after_reset: { car: RefCarState; reward_total: number; tile_visited_count: number; t: number };
  steps: RefStep[];
}

export function readEpisode(name: string): RefEpisode {
  return readJson<RefEpisode>(resolve(REF_DATA_DIR, `${name}.json`));
}

/**
 * Tile quads [L1, R1, R2, L2] from the track points (spec §4.5), 8 doubles per tile, computed
 * with Gymnasium's expressions (tile i spans points i−1 → i).
 */
export function tileVerticesOf(track: readonly (readonly number[])[]): Float64Array {
  const n = track.length;
  const out = new Float64Array(8 * n);
  for (let i = 0; i < n; i++) {
    const [, beta1, x1, y1] = track[i];
    const [, beta2, x2, y2] = track[(i - 1 + n) % n];
    const quad = [
      x1 - TRACK_WIDTH * Math.cos(beta1),
      y1 - TRACK_WIDTH * Math.sin(beta1),
      x1 + TRACK_WIDTH * Math.cos(beta1),
      y1 + TRACK_WIDTH * Math.sin(beta1),
      x2 + TRACK_WIDTH * Math.cos(beta2),
      y2 + TRACK_WIDTH * Math.sin(beta2),
      x2 - TRACK_WIDTH * Math.cos(beta2),
      y2 - TRACK_WIDTH * Math.sin(beta2),
    ];
    out.set(quad, 8 * i);
  }
  return out;
}

/** The tile polygons of `road_poly` in tile order (kerbs, coloured 255, left out). */
export function tilePolygonsOf(episode: RefEpisode): Vec2Pair[][] {
  return episode.road_poly.filter((p) => p.color[0] !== 255).map((p) => p.vertices);
}

/**
 * The physics view of the recorded road: tile quads exactly as Gymnasium stored them in
 * `road_poly` (JS Math.cos/sin differ from glibc by 1 ulp on a few inputs, so recomputing them
 * with {@link tileVerticesOf} is not always bit-identical; float32 rounding hides that).
 */
export function referenceTrack(episode: RefEpisode): { tileCount: number; tileVertices: Float64Array } {
  const polys = tilePolygonsOf(episode);
  if (polys.length !== episode.track.length) throw new Error(`seed ${episode.seed}: ${polys.length} tile polygons`);
  return { tileCount: polys.length, tileVertices: Float64Array.from(polys.flat(2)) };
}
