/**
 * Gymnasium CarRacing `_create_track` (spec §4.1-4.3), identical in every version: checkpoints,
 * the walk, closing the loop and the glue test. Retries are silent and consume the next 24
 * uniforms. Every expression keeps Python's operand order so that the doubles are identical.
 */
import { CHECKPOINTS, SCALE, TRACK_DETAIL_STEP, TRACK_RAD, TRACK_TURN_RATE } from './constants.ts';
import type { UniformSource } from './rng/uniformSource.ts';
import type { Checkpoint, TrackPoint } from './trackTypes.ts';

/** 2·π·(−0.5)/12 = −π/12: the angle at which the track starts (a constant). */
export const START_ALPHA = (2 * Math.PI * -0.5) / CHECKPOINTS;
/** Steps the walk may take before giving up (`no_freeze`). */
const NO_FREEZE = 2500;
/** Default limit on attempts. Python loops forever; 1000 failures in a row are practically impossible. */
export const DEFAULT_MAX_TRACK_ATTEMPTS = 1000;

/**
 * The transcendental functions the generator and the road use. Gymnasium calls CPython's
 * `math.sin/cos/atan2`, i.e. the platform libm (glibc 2.36 for the reference dumps), which is
 * not correctly rounded and differs from V8's fdlibm-based `Math` in the last bit for ~8% of the
 * arguments met here. With `Math` the discrete results (N, attempts, kerbs) match but the doubles
 * drift by up to ~1e-12; bit-exact output needs a glibc-compatible implementation passed here.
 */
export interface TrackMath {
  sin(x: number): number;
  cos(x: number): number;
  atan2(y: number, x: number): number;
}

/** V8's `Math` (fdlibm). */
export const JS_TRACK_MATH: TrackMath = {
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  atan2: (y, x) => Math.atan2(y, x),
};

export type TrackAttemptFailure = 'no-loop' | 'not-glued';

/** One `_create_track` call: always 24 draws. */
export type TrackAttempt =
  | { readonly ok: true; readonly checkpoints: Checkpoint[]; readonly points: TrackPoint[] }
  | { readonly ok: false; readonly reason: TrackAttemptFailure; readonly checkpoints: Checkpoint[] };

export interface GeneratedTrack {
  /** The 12 checkpoints of the successful attempt. */
  readonly checkpoints: readonly Checkpoint[];
  /** `env.track`: N points (alpha, beta, x, y). */
  readonly points: readonly TrackPoint[];
  /** Number of `_create_track` calls, the successful one included (1 = no retry). */
  readonly attempts: number;
}

export interface GenerateTrackOptions {
  /** Throw after this many failed attempts (default DEFAULT_MAX_TRACK_ATTEMPTS). */
  readonly maxAttempts?: number;
  /** sin/cos/atan2 to use (default JS_TRACK_MATH). */
  readonly math?: TrackMath;
}

/** Spec §4.1: 12 × [noise, rad] draws, in that order. */
export function generateCheckpoints(rng: UniformSource, math: TrackMath = JS_TRACK_MATH): Checkpoint[] {
  const checkpoints: Checkpoint[] = [];
  for (let c = 0; c < CHECKPOINTS; c++) {
    const noise = rng.uniform(0, (2 * Math.PI * 1) / CHECKPOINTS);
    let alpha = (2 * Math.PI * c) / CHECKPOINTS + noise;
    let rad = rng.uniform(TRACK_RAD / 3, TRACK_RAD);
    if (c === 0) {
      alpha = 0;
      rad = 1.5 * TRACK_RAD;
    }
    if (c === CHECKPOINTS - 1) {
      alpha = (2 * Math.PI * c) / CHECKPOINTS;
      rad = 1.5 * TRACK_RAD;
    }
    checkpoints.push({ alpha, x: rad * math.cos(alpha), y: rad * math.sin(alpha) });
  }
  return checkpoints;
}

/** Spec §4.2: the raw walk from (1.5·TRACK_RAD, 0) until 4 laps or 2500 steps. */
export function walkTrack(checkpoints: readonly Checkpoint[], math: TrackMath = JS_TRACK_MATH): TrackPoint[] {
  const n = checkpoints.length;
  let x = 1.5 * TRACK_RAD;
  let y = 0;
  let beta = 0;
  let destI = 0;
  let laps = 0;
  let noFreeze = NO_FREEZE;
  let visitedOtherSide = false;
  const points: TrackPoint[] = [];
  for (;;) {
    let alpha = math.atan2(y, x);
    if (visitedOtherSide && alpha > 0) {
      laps += 1;
      visitedOtherSide = false;
    }
    if (alpha < 0) {
      visitedOtherSide = true;
      alpha += 2 * Math.PI;
    }

    let destX: number;
    let destY: number;
    for (;;) {
      let failed = true;
      for (;;) {
        const cp = checkpoints[destI % n];
        destX = cp.x;
        destY = cp.y;
        if (alpha <= cp.alpha) {
          failed = false;
          break;
        }
        destI += 1;
        if (destI % n === 0) break;
      }
      if (!failed) break;
      alpha -= 2 * Math.PI;
    }

    const r1x = math.cos(beta);
    const r1y = math.sin(beta);
    const p1x = -r1y;
    const p1y = r1x;
    const destDx = destX - x;
    const destDy = destY - y;
    let proj = r1x * destDx + r1y * destDy;
    while (beta - alpha > 1.5 * Math.PI) beta -= 2 * Math.PI;
    while (beta - alpha < -1.5 * Math.PI) beta += 2 * Math.PI;
    const prevBeta = beta;
    proj *= SCALE;
    if (proj > 0.3) beta -= Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    if (proj < -0.3) beta += Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    x += p1x * TRACK_DETAIL_STEP;
    y += p1y * TRACK_DETAIL_STEP;
    points.push({ alpha, beta: prevBeta * 0.5 + beta * 0.5, x, y });
    if (laps > 4) break;
    noFreeze -= 1;
    if (noFreeze === 0) break;
  }
  return points;
}

/**
 * Spec §4.3: the slice [i1, i2 − 1) between the last two crossings of START_ALPHA, or the failure
 * reason (fewer than two crossings, or head and tail more than TRACK_DETAIL_STEP apart).
 */
export function closeLoop(
  points: readonly TrackPoint[],
  math: TrackMath = JS_TRACK_MATH,
): TrackPoint[] | TrackAttemptFailure {
  let i1 = -1;
  let i2 = -1;
  let i = points.length;
  for (;;) {
    i -= 1;
    if (i <= 0) return 'no-loop';
    const passThroughStart = points[i].alpha > START_ALPHA && points[i - 1].alpha <= START_ALPHA;
    if (passThroughStart && i2 === -1) {
      i2 = i;
    } else if (passThroughStart && i1 === -1) {
      i1 = i;
      break;
    }
  }
  const track = points.slice(i1, i2 - 1);
  if (track.length === 0) {
    // Python would raise IndexError on track[0]; cannot happen with a 3.5-unit step.
    throw new Error(`track generation: empty loop (i1=${i1}, i2=${i2})`);
  }
  const first = track[0];
  const last = track[track.length - 1];
  const firstPerpX = math.cos(first.beta);
  const firstPerpY = math.sin(first.beta);
  const gx = firstPerpX * (first.x - last.x);
  const gy = firstPerpY * (first.y - last.y);
  const wellGluedTogether = Math.sqrt(gx * gx + gy * gy);
  if (wellGluedTogether > TRACK_DETAIL_STEP) return 'not-glued';
  return track;
}

/** One `_create_track` attempt (24 uniforms). */
export function tryGenerateTrack(rng: UniformSource, math: TrackMath = JS_TRACK_MATH): TrackAttempt {
  const checkpoints = generateCheckpoints(rng, math);
  const result = closeLoop(walkTrack(checkpoints, math), math);
  if (typeof result === 'string') return { ok: false, reason: result, checkpoints };
  return { ok: true, checkpoints, points: result };
}

/** `while True: if self._create_track(): break`, spec §4.1-4.3. */
export function generateTrack(rng: UniformSource, options: GenerateTrackOptions = {}): GeneratedTrack {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_TRACK_ATTEMPTS;
  const math = options.math ?? JS_TRACK_MATH;
  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    const attempt = tryGenerateTrack(rng, math);
    if (attempt.ok) return { checkpoints: attempt.checkpoints, points: attempt.points, attempts };
  }
  throw new Error(`track generation failed ${maxAttempts} times in a row`);
}
