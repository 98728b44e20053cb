/**
 * pygame.draw.polygon fill (draw.c draw_fillpoly), spec §8.5, used for the cars and the HUD.
 * Integer vertices (coordinates truncated toward zero by the caller).
 */
import { hlineClipped, type RgbCanvas } from './rgbCanvas.ts';

/** Edge x-intersection rule: pygame >= 2.6 (double, truncated) or <= 2.5 (integer quotient + x1). */
export type PolygonRule = 'pygame2.6' | 'pygame2.5';

/** x of the edge (x1, y1) -> (x2, y2), y1 < y2, on row y. */
export function drawPolygonIntersection(
  y: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  rule25: boolean,
): number {
  const num = (y - y1) * (x2 - x1);
  const dy = y2 - y1;
  return rule25 ? Math.trunc(num / dy) + x1 : Math.trunc(num / dy + x1);
}

const xs: number[] = [];

export function drawPolygon(
  canvas: RgbCanvas,
  vx: ArrayLike<number>,
  vy: ArrayLike<number>,
  n: number,
  color: number,
  rule: PolygonRule,
): void {
  const rule25 = rule === 'pygame2.5';
  let miny = vy[0];
  let maxy = vy[0];
  for (let i = 1; i < n; i++) {
    if (vy[i] < miny) miny = vy[i];
    if (vy[i] > maxy) maxy = vy[i];
  }
  if (miny === maxy) {
    let minx = vx[0];
    let maxx = vx[0];
    for (let i = 1; i < n; i++) {
      if (vx[i] < minx) minx = vx[i];
      if (vx[i] > maxx) maxx = vx[i];
    }
    hlineClipped(canvas, minx, maxx, miny, color);
    return;
  }
  for (let y = miny; y <= maxy; y++) {
    xs.length = 0;
    for (let i = 0; i < n; i++) {
      const ip = i === 0 ? n - 1 : i - 1;
      let y1 = vy[ip];
      let y2 = vy[i];
      let x1: number;
      let x2: number;
      if (y1 < y2) {
        x1 = vx[ip];
        x2 = vx[i];
      } else if (y1 > y2) {
        y2 = vy[ip];
        y1 = vy[i];
        x2 = vx[ip];
        x1 = vx[i];
      } else {
        continue;
      }
      if ((y >= y1 && y < y2) || (y === maxy && y2 === maxy)) {
        xs.push(drawPolygonIntersection(y, x1, y1, x2, y2, rule25));
      }
    }
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) hlineClipped(canvas, xs[i], xs[i + 1], y, color);
  }
  for (let i = 0; i < n; i++) {
    const ip = i === 0 ? n - 1 : i - 1;
    const y = vy[i];
    if (miny < y && vy[ip] === y && y < maxy) hlineClipped(canvas, vx[i], vx[ip], y, color);
  }
}
