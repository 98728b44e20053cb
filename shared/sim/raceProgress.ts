import { LAP_COMPLETE_PERCENT, TRACK_WIDTH } from './constants.ts';
import type { TrackPoint } from './trackTypes.ts';

/**
 * Lap counting and progress along the track for one car (the race layer on top of the
 * Gymnasium physics). A lap counts when the hull crosses the start line (the line through
 * track point 0, across the road) going forwards, having had a wheel on at least
 * `lapCompletePercent` of the tiles since its previous lap.
 */
export interface CarProgress {
  /** Tiles touched by a wheel since the last completed lap. */
  readonly lapTiles: Uint8Array;
  lapTileCount: number;
  lapsCompleted: number;
  /** Tick (0-based step index) at which each lap was completed. */
  readonly lapEndTicks: number[];
  /** Index of the nearest track point, kept up to date incrementally. */
  nearestPoint: number;
  /** Track points covered since the start, unwrapped (negative behind the start line). */
  distancePoints: number;
  /** Signed distance of the hull ahead of the start line at the previous update. */
  startLineDistance: number;
}

/** How far across the road a start-line crossing still counts (the road is 2·TRACK_WIDTH wide). */
export const START_LINE_HALF_LENGTH = 2 * TRACK_WIDTH;
/** How many track points either side of the last nearest point are searched each tick. */
const NEAREST_POINT_WINDOW = 24;

export function createCarProgress(points: readonly TrackPoint[], hullX: number, hullY: number): CarProgress {
  const nearest = findNearestPoint(points, hullX, hullY);
  const n = points.length;
  return {
    lapTiles: new Uint8Array(n),
    lapTileCount: 0,
    lapsCompleted: 0,
    lapEndTicks: [],
    nearestPoint: nearest,
    distancePoints: nearest > n / 2 ? nearest - n : nearest,
    startLineDistance: startLineOffsets(points, hullX, hullY).along,
  };
}

/** A wheel of this car began touching tile `tileIndex`. */
export function recordLapTile(progress: CarProgress, tileIndex: number): void {
  if (progress.lapTiles[tileIndex] === 0) {
    progress.lapTiles[tileIndex] = 1;
    progress.lapTileCount++;
  }
}

/**
 * Advances progress to the hull's new position after tick `tick`; returns true when this tick
 * completed a lap.
 */
export function updateCarProgress(
  progress: CarProgress,
  points: readonly TrackPoint[],
  hullX: number,
  hullY: number,
  tick: number,
  lapCompletePercent = LAP_COMPLETE_PERCENT,
): boolean {
  const n = points.length;
  const nearest = findNearestPointNear(points, hullX, hullY, progress.nearestPoint);
  let delta = nearest - progress.nearestPoint;
  if (delta > n / 2) delta -= n;
  else if (delta < -n / 2) delta += n;
  progress.distancePoints += delta;
  progress.nearestPoint = nearest;

  const { along, across } = startLineOffsets(points, hullX, hullY);
  const crossed = progress.startLineDistance < 0 && along >= 0 && Math.abs(across) <= START_LINE_HALF_LENGTH;
  progress.startLineDistance = along;
  if (!crossed || progress.lapTileCount < lapCompletePercent * n) return false;
  progress.lapsCompleted++;
  progress.lapEndTicks.push(tick);
  progress.lapTiles.fill(0);
  progress.lapTileCount = 0;
  return true;
}

/** Hull position relative to the start line: `along` the direction of travel, `across` to the right. */
export function startLineOffsets(
  points: readonly TrackPoint[],
  x: number,
  y: number,
): { along: number; across: number } {
  const p0 = points[0];
  const dx = x - p0.x;
  const dy = y - p0.y;
  const beta = p0.beta;
  return {
    along: -Math.sin(beta) * dx + Math.cos(beta) * dy,
    across: Math.cos(beta) * dx + Math.sin(beta) * dy,
  };
}

export function findNearestPoint(points: readonly TrackPoint[], x: number, y: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < points.length; i++) {
    const d = (points[i].x - x) ** 2 + (points[i].y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function findNearestPointNear(points: readonly TrackPoint[], x: number, y: number, around: number): number {
  const n = points.length;
  if (n <= 2 * NEAREST_POINT_WINDOW + 1) return findNearestPoint(points, x, y);
  let best = around;
  let bestD = Infinity;
  for (let k = -NEAREST_POINT_WINDOW; k <= NEAREST_POINT_WINDOW; k++) {
    const i = (((around + k) % n) + n) % n;
    const d = (points[i].x - x) ** 2 + (points[i].y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  // A car far from the road (a spin onto the grass, a shortcut) can lose the local minimum.
  if (bestD > (4 * TRACK_WIDTH) ** 2) return findNearestPoint(points, x, y);
  return best;
}
