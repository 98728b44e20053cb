/**
 * Everything Gymnasium derives from the generated track (spec §4.4-4.5): kerb flags with the
 * in-place propagation, tile quads, and `road_poly` (tiles and kerbs, in drawing order, with
 * colours). `buildTrack` runs the whole reset-time pipeline: RNG, optional domain
 * randomisation (v3), track generation with retries, then the road.
 */
import {
  BORDER,
  BORDER_MIN_COUNT,
  DEFAULT_BG_COLOR,
  DEFAULT_GRASS_COLOR,
  DEFAULT_ROAD_COLOR,
  TRACK_TURN_RATE,
  TRACK_WIDTH,
  type Rgb,
  type Vec2Tuple,
} from './constants.ts';
import { Pcg64Generator } from './rng/pcg64.ts';
import type { IntegerSeed } from './rng/seedSequence.ts';
import { createTrackRng, type UniformSource } from './rng/uniformSource.ts';
import { generateTrack, JS_TRACK_MATH, type GenerateTrackOptions, type TrackMath } from './trackGeneration.ts';
import type { RoadDrawList, Track, TrackPoint, TrackStyle } from './trackTypes.ts';

/** gym 0.21 (v0) colours, 0..1 floats as given to OpenGL (spec §9.6). */
export const V0_ROAD_COLOR_UNIT: Rgb = [0.4, 0.4, 0.4];
export const V0_BG_COLOR_UNIT: Rgb = [0.4, 0.8, 0.4];
export const V0_GRASS_COLOR_UNIT: Rgb = [0.4, 0.9, 0.4];

const KERB_WHITE: Rgb = [255, 255, 255];
const KERB_RED: Rgb = [255, 0, 0];

/** Python's `track[i]` for i in [-N, N). */
function wrap(i: number, n: number): number {
  return i < 0 ? i + n : i;
}

/** numpy `np.sign` on a double: -1, 0 or +1 (NaN cannot occur here). */
function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/**
 * Spec §4.4: kerb flags. A tile gets a kerb when the last 4 beta steps are all steeper than
 * 0.31·0.2 and turn the same way; then, in place and in order, each flag is OR-ed onto the 3
 * tiles before it (Python negative indices wrap, so flags set near i = 0 reach the end and can
 * propagate further from there).
 */
export function computeBorderFlags(points: readonly TrackPoint[]): boolean[] {
  const n = points.length;
  const threshold = TRACK_TURN_RATE * 0.2;
  const border = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    let good = true;
    let oneside = 0;
    for (let neg = 0; neg < BORDER_MIN_COUNT; neg++) {
      const beta1 = points[wrap(i - neg - 0, n)].beta;
      const beta2 = points[wrap(i - neg - 1, n)].beta;
      good = good && Math.abs(beta1 - beta2) > threshold;
      oneside += sign(beta1 - beta2);
    }
    border[i] = good && Math.abs(oneside) === BORDER_MIN_COUNT;
  }
  for (let i = 0; i < n; i++) {
    for (let neg = 0; neg < BORDER_MIN_COUNT; neg++) {
      const j = wrap(i - neg, n);
      border[j] = border[j] || border[i];
    }
  }
  return border;
}

/**
 * Spec §4.5: tile i's quad [L1, R1, R2, L2] from point i (P1) and point i−1 (P2; tile 0 uses
 * the last point), written as 8 doubles into `out` at `offset`.
 */
export function writeTileQuad(
  points: readonly TrackPoint[],
  i: number,
  out: Float64Array,
  offset: number,
  math: TrackMath = JS_TRACK_MATH,
): void {
  const n = points.length;
  const p1 = points[i];
  const p2 = points[wrap(i - 1, n)];
  const c1 = math.cos(p1.beta);
  const s1 = math.sin(p1.beta);
  const c2 = math.cos(p2.beta);
  const s2 = math.sin(p2.beta);
  // road1_l, road1_r, road2_r, road2_l
  out[offset + 0] = p1.x - TRACK_WIDTH * c1;
  out[offset + 1] = p1.y - TRACK_WIDTH * s1;
  out[offset + 2] = p1.x + TRACK_WIDTH * c1;
  out[offset + 3] = p1.y + TRACK_WIDTH * s1;
  out[offset + 4] = p2.x + TRACK_WIDTH * c2;
  out[offset + 5] = p2.y + TRACK_WIDTH * s2;
  out[offset + 6] = p2.x - TRACK_WIDTH * c2;
  out[offset + 7] = p2.y - TRACK_WIDTH * s2;
}

/** Spec §4.5: the kerb quad [b1_l, b1_r, b2_r, b2_l] of tile i (drawn only when border[i]). */
export function writeKerbQuad(
  points: readonly TrackPoint[],
  i: number,
  out: Float64Array,
  offset: number,
  math: TrackMath = JS_TRACK_MATH,
): void {
  const n = points.length;
  const p1 = points[i];
  const p2 = points[wrap(i - 1, n)];
  const side = sign(p2.beta - p1.beta);
  const c1 = math.cos(p1.beta);
  const s1 = math.sin(p1.beta);
  const c2 = math.cos(p2.beta);
  const s2 = math.sin(p2.beta);
  const inner = side * TRACK_WIDTH;
  const outer = side * (TRACK_WIDTH + BORDER);
  out[offset + 0] = p1.x + inner * c1;
  out[offset + 1] = p1.y + inner * s1;
  out[offset + 2] = p1.x + outer * c1;
  out[offset + 3] = p1.y + outer * s1;
  out[offset + 4] = p2.x + outer * c2;
  out[offset + 5] = p2.y + outer * s2;
  out[offset + 6] = p2.x + inner * c2;
  out[offset + 7] = p2.y + inner * s2;
}

/** All N tile quads, 8 doubles per tile. */
export function computeTileVertices(points: readonly TrackPoint[], math: TrackMath = JS_TRACK_MATH): Float64Array {
  const out = new Float64Array(points.length * 8);
  for (let i = 0; i < points.length; i++) writeTileQuad(points, i, out, i * 8, math);
  return out;
}

/** Tile i's quad [L1, R1, R2, L2] as vertex tuples. */
export function getTileQuad(
  track: Pick<Track, 'tileVertices'>,
  i: number,
): [Vec2Tuple, Vec2Tuple, Vec2Tuple, Vec2Tuple] {
  const v = track.tileVertices;
  const count = v.length / 8;
  if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`tile index ${i} out of range [0, ${count})`);
  const o = i * 8;
  return [
    [v[o], v[o + 1]],
    [v[o + 2], v[o + 3]],
    [v[o + 4], v[o + 5]],
    [v[o + 6], v[o + 7]],
  ];
}

/**
 * Tile i's colour at creation. v3: `road_color + 0.01 * (i % 3) * 255` (numpy, element-wise).
 * v0: `ROAD_COLOR[k] + 0.01 * (i % 3)` on the 0..1 scale.
 */
export function tileShade(roadColor: Rgb, i: number, style: TrackStyle): Rgb {
  const c = style === 'v0' ? 0.01 * (i % 3) : 0.01 * (i % 3) * 255;
  return [roadColor[0] + c, roadColor[1] + c, roadColor[2] + c];
}

/**
 * Spec §4.5: `road_poly` as flat arrays: tile 0, [kerb 0], tile 1, [kerb 1], ...
 * `roadColor` is v3's 0..255 colour, or for v0 the 0..1 colour (then `colors` holds it ×255 and
 * `unitColors` the exact floats).
 */
export function buildRoadDrawList(
  points: readonly TrackPoint[],
  border: readonly boolean[],
  tileVertices: Float64Array,
  roadColor: Rgb,
  style: TrackStyle,
  math: TrackMath = JS_TRACK_MATH,
): RoadDrawList {
  const n = points.length;
  let count = n;
  for (let i = 0; i < n; i++) if (border[i]) count++;
  const vertices = new Float64Array(count * 8);
  const tileIndex = new Int32Array(count);
  const colors = new Float64Array(count * 3);
  const unitColors = style === 'v0' ? new Float64Array(count * 3) : undefined;
  const putColor = (k: number, rgb: Rgb): void => {
    for (let ch = 0; ch < 3; ch++) {
      if (unitColors) {
        unitColors[k * 3 + ch] = rgb[ch];
        colors[k * 3 + ch] = rgb[ch] * 255;
      } else {
        colors[k * 3 + ch] = rgb[ch];
      }
    }
  };
  let k = 0;
  for (let i = 0; i < n; i++) {
    vertices.set(tileVertices.subarray(i * 8, i * 8 + 8), k * 8);
    tileIndex[k] = i;
    putColor(k, tileShade(roadColor, i, style));
    k++;
    if (border[i]) {
      writeKerbQuad(points, i, vertices, k * 8, math);
      tileIndex[k] = -1;
      const kerb = i % 2 === 0 ? KERB_WHITE : KERB_RED;
      putColor(k, unitColors ? [kerb[0] / 255, kerb[1] / 255, kerb[2] / 255] : kerb);
      k++;
    }
  }
  return unitColors ? { count, vertices, tileIndex, colors, unitColors } : { count, vertices, tileIndex, colors };
}

/** Road, background and grass colours of one reset. */
export interface TrackColors {
  readonly roadColor: Rgb;
  readonly bgColor: Rgb;
  readonly grassColor: Rgb;
}

/**
 * Gymnasium `_reinit_colors(randomize=True)` (spec §3.3 step 1): road = 3 × uniform(0, 210),
 * bg = 3 × uniform(0, 210), idx = integers(3), grass = bg with channel idx + 20.
 */
export function drawDomainRandomColors(rng: Pcg64Generator): TrackColors {
  const roadColor: Rgb = [rng.uniform(0, 210), rng.uniform(0, 210), rng.uniform(0, 210)];
  const bg: [number, number, number] = [rng.uniform(0, 210), rng.uniform(0, 210), rng.uniform(0, 210)];
  const grass: [number, number, number] = [bg[0], bg[1], bg[2]];
  const idx = rng.integers(3);
  grass[idx] += 20;
  return { roadColor, bgColor: bg, grassColor: grass };
}

export interface BuildTrackOptions extends GenerateTrackOptions {
  /** 'v3': Gymnasium v1+ (PCG64, 0..255 colours). 'v0': gym <= 0.21 (MT19937 sha512 seeding, 0..1 colours). */
  readonly style: TrackStyle;
  /** v3 only: draw random colours before the track (`domain_randomize=True`). */
  readonly domainRandomize?: boolean;
}

/**
 * Builds the track from an already seeded RNG, consuming exactly what one Gymnasium reset
 * consumes (colours first when domain-randomised, then 24 uniforms per attempt). Use this to
 * continue a stream across episodes (`reset()` without a seed).
 */
export function buildTrackFromRng(rng: UniformSource, options: BuildTrackOptions): Track {
  const { style } = options;
  let colors: TrackColors;
  if (options.domainRandomize) {
    if (style !== 'v3') throw new RangeError('domain randomisation exists only in v1+ (style v3)');
    if (!(rng instanceof Pcg64Generator))
      throw new TypeError('domain randomisation needs a Pcg64Generator (integers())');
    colors = drawDomainRandomColors(rng);
  } else if (style === 'v0') {
    colors = { roadColor: V0_ROAD_COLOR_UNIT, bgColor: V0_BG_COLOR_UNIT, grassColor: V0_GRASS_COLOR_UNIT };
  } else {
    colors = { roadColor: DEFAULT_ROAD_COLOR, bgColor: DEFAULT_BG_COLOR, grassColor: DEFAULT_GRASS_COLOR };
  }
  const math = options.math ?? JS_TRACK_MATH;
  const generated = generateTrack(rng, options);
  const points = generated.points;
  const border = computeBorderFlags(points);
  const tileVertices = computeTileVertices(points, math);
  const road = buildRoadDrawList(points, border, tileVertices, colors.roadColor, style, math);
  const to255 = (c: Rgb): Rgb => (style === 'v0' ? [c[0] * 255, c[1] * 255, c[2] * 255] : c);
  return {
    tileCount: points.length,
    points,
    border,
    tileVertices,
    road,
    roadColor: to255(colors.roadColor),
    bgColor: to255(colors.bgColor),
    grassColor: to255(colors.grassColor),
    attempts: generated.attempts,
    style,
    checkpoints: generated.checkpoints,
  };
}

/**
 * `env.reset(seed=seed)` as far as the track goes: a fresh RNG from `seed` (PCG64/SeedSequence
 * for v3, gym-v0 MT19937 for v0), then `buildTrackFromRng`.
 */
export function buildTrack(seed: IntegerSeed, options: BuildTrackOptions): Track {
  return buildTrackFromRng(createTrackRng(seed, options.style), options);
}
