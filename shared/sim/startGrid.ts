import type { TrackPoint } from './trackTypes.ts';

/** Where a car is created: body origin and angle (radians), as `Car(world, angle, x, y)` takes them. */
export interface CarSpawn {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
}

/** Track points between two grid rows (MultiCarRacing: 5 points, about 17.5 units). */
export const GRID_ROW_SPACING_POINTS = 5;
/** Lateral offset of each car from the track centre line. */
export const GRID_SIDE_OFFSET = 3;

/**
 * The MultiCarRacing start grid (spec §11.2): slot o sits on row floor(o / 2), left (even o)
 * or right (odd o) of track point −5·row (Python wrapping), facing along the track.
 * `slotOfCar[k]` is the grid slot of car k (a permutation of 0..n−1).
 * A lone car starts exactly where Gymnasium puts it (track point 0, on the centre line), so a
 * one-car race is the single-car environment.
 */
export function computeStartGrid(points: readonly TrackPoint[], slotOfCar: readonly number[]): CarSpawn[] {
  const n = points.length;
  if (slotOfCar.length === 1) return [{ x: points[0].x, y: points[0].y, angle: points[0].beta }];
  return slotOfCar.map((slot) => {
    const row = Math.floor(slot / 2);
    const side = slot % 2 === 0 ? -1 : +1;
    const base = points[(((-GRID_ROW_SPACING_POINTS * row) % n) + n) % n];
    const a = base.beta;
    return {
      x: base.x + GRID_SIDE_OFFSET * side * Math.sin(a - Math.PI / 2),
      y: base.y + GRID_SIDE_OFFSET * side * Math.cos(a - Math.PI / 2),
      angle: a,
    };
  });
}

/** Slot 0 for car 0, slot 1 for car 1, ...: the grid in listed order. */
export function listedGridOrder(carCount: number): number[] {
  return Array.from({ length: carCount }, (_, k) => k);
}

/**
 * A grid order drawn from a seeded source of uniform doubles in [0, 1) (Fisher–Yates), so that
 * the same race seed always gives the same grid and no global RNG is involved.
 */
export function shuffledGridOrder(carCount: number, nextUniform: () => number): number[] {
  const order = listedGridOrder(carCount);
  for (let i = carCount - 1; i > 0; i--) {
    const j = Math.floor(nextUniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
