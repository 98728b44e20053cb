import type { TrackPoint } from './trackTypes.ts';

/**
 * Index of the track point nearest to (x, y) among `count` points starting at `from` (wrapping
 * around the closed track; `from` may be negative). A full scan is `from = 0, count = n`.
 */
export function nearestTrackPoint(
  pts: readonly TrackPoint[],
  x: number,
  y: number,
  from = 0,
  count = pts.length,
): number {
  const n = pts.length;
  let best = 0;
  let bestD = Infinity;
  for (let k = 0; k < count; k++) {
    const i = (((from + k) % n) + n) % n;
    const d = (pts[i].x - x) ** 2 + (pts[i].y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
