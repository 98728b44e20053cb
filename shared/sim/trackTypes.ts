import type { Rgb } from './constants.ts';

/** One point of the generated track (spec §4.2): adjusted alpha, averaged beta, position. */
export interface TrackPoint {
  readonly alpha: number;
  readonly beta: number;
  readonly x: number;
  readonly y: number;
}

/** One of the 12 checkpoints of the successful generation attempt (spec §4.1). */
export interface Checkpoint {
  readonly alpha: number;
  readonly x: number;
  readonly y: number;
}

/** Which Gymnasium generation the track follows: RNG seeding and colour conventions differ (spec §3, §9.6). */
export type TrackStyle = 'v3' | 'v0';

/**
 * The road as Gymnasium's `road_poly` lists it (spec §4.5): tile 0, [kerb 0], tile 1, [kerb 1], ...
 * Flat typed arrays so the renderer can walk it without allocating.
 */
export interface RoadDrawList {
  /** Number of polygons (tiles + kerbs). */
  readonly count: number;
  /** 4 vertices per polygon, x0,y0,x1,y1,x2,y2,x3,y3, doubles as computed by the generator. */
  readonly vertices: Float64Array;
  /** Tile index for a tile polygon, -1 for a kerb. */
  readonly tileIndex: Int32Array;
  /**
   * Colour per polygon at creation (r,g,b) on the 0..255 scale. v3: exactly as Gymnasium stores
   * it (floats: e.g. 104.55 = 102 + 0.01·1·255). v0: gym 0.21's 0..1 float times 255 (e.g.
   * (0.4 + 0.01)·255), for a renderer that wants one scale; the exact v0 floats are in `unitColors`.
   */
  readonly colors: Float64Array;
  /** v0 only: the colours exactly as gym 0.21 stores them (0..1 floats given to OpenGL). */
  readonly unitColors?: Float64Array;
}

/** A generated track with everything derived from it. */
export interface Track {
  /** Number of tiles N. */
  readonly tileCount: number;
  readonly points: readonly TrackPoint[];
  /** Kerb flag per tile after in-place propagation (spec §4.4). */
  readonly border: readonly boolean[];
  /** Tile i's quad [L1, R1, R2, L2], 8 doubles per tile (physics sensor and drawing). */
  readonly tileVertices: Float64Array;
  readonly road: RoadDrawList;
  readonly roadColor: Rgb;
  readonly bgColor: Rgb;
  readonly grassColor: Rgb;
  /** How many generation attempts were needed (1 = first attempt succeeded). */
  readonly attempts: number;
  /** Seeding / colour convention the track was built with. */
  readonly style: TrackStyle;
  /** The 12 checkpoints of the successful attempt. */
  readonly checkpoints: readonly Checkpoint[];
}
