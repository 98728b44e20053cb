/**
 * SDL_gfx as bundled in pygame (spec §8.4): `gfxdraw.aapolygon` (Wu anti-aliased outline without
 * end points, Cohen-Sutherland clipping in float32) and `gfxdraw.filled_polygon` (16.16 fixed-point
 * scanline fill). Straightforward versions drawing into an RgbCanvas: the reference the fast
 * renderer is tested against.
 */
import { blendPixelClipped, hlineClipped, type RgbCanvas } from './rgbCanvas.ts';

const f32 = Math.fround;

/** C cast to Sint16. */
export function toInt16(v: number): number {
  return (v << 16) >> 16;
}

/** (Sint16) of a float: truncate toward zero, then keep the low 16 bits (x86 cvttss2si). */
function floatToInt16(v: number): number {
  return toInt16(Math.trunc(v) | 0);
}

const CLIP_LEFT = 1;
const CLIP_RIGHT = 2;
const CLIP_BOTTOM = 4;
const CLIP_TOP = 8;

function clipEncode(x: number, y: number, right: number, bottom: number): number {
  let code = 0;
  if (x < 0) code |= CLIP_LEFT;
  else if (x > right) code |= CLIP_RIGHT;
  if (y < 0) code |= CLIP_TOP;
  else if (y > bottom) code |= CLIP_BOTTOM;
  return code;
}

/**
 * SDL_gfx _clipLine against [0, width-1] x [0, height-1]. Coordinates are Sint16.
 * Writes the (possibly swapped) clipped end points to `out` = [x1, y1, x2, y2]; false = rejected.
 */
export function clipLine(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  width: number,
  height: number,
  out: Int32Array,
): boolean {
  const right = width - 1;
  const bottom = height - 1;
  for (;;) {
    let code1 = clipEncode(x1, y1, right, bottom);
    let code2 = clipEncode(x2, y2, right, bottom);
    if ((code1 | code2) === 0) {
      out[0] = x1;
      out[1] = y1;
      out[2] = x2;
      out[3] = y2;
      return true;
    }
    if ((code1 & code2) !== 0) return false;
    if (code1 === 0) {
      let t = x2;
      x2 = x1;
      x1 = t;
      t = y2;
      y2 = y1;
      y1 = t;
      t = code2;
      code2 = code1;
      code1 = t;
    }
    const m = x2 !== x1 ? f32(f32(y2 - y1) / f32(x2 - x1)) : 1;
    if (code1 & CLIP_LEFT) {
      y1 = toInt16(y1 + floatToInt16(f32((0 - x1) * m)));
      x1 = 0;
    } else if (code1 & CLIP_RIGHT) {
      y1 = toInt16(y1 + floatToInt16(f32((right - x1) * m)));
      x1 = right;
    } else if (code1 & CLIP_BOTTOM) {
      if (x2 !== x1) x1 = toInt16(x1 + floatToInt16(f32((bottom - y1) / m)));
      y1 = bottom;
    } else if (code1 & CLIP_TOP) {
      if (x2 !== x1) x1 = toInt16(x1 + floatToInt16(f32((0 - y1) / m)));
      y1 = 0;
    }
  }
}

const clipOut = new Int32Array(4);

/** SDL_gfx _aalineColor(..., draw_endpoint = 0) with an opaque colour. */
export function aaLineNoEndpoint(
  canvas: RgbCanvas,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  color: number,
): void {
  if (!clipLine(ax, ay, bx, by, canvas.width, canvas.height, clipOut)) return;
  const x1 = clipOut[0];
  const y1 = clipOut[1];
  const x2 = clipOut[2];
  const y2 = clipOut[3];
  let xx0 = x1;
  let yy0 = y1;
  let xx1 = x2;
  let yy1 = y2;
  if (yy0 > yy1) {
    let t = yy0;
    yy0 = yy1;
    yy1 = t;
    t = xx0;
    xx0 = xx1;
    xx1 = t;
  }
  let dx = xx1 - xx0;
  let dy = yy1 - yy0;
  if (dx === 0) {
    if (dy > 0) {
      for (let y = Math.max(yy0, 0); y <= Math.min(yy0 + dy, canvas.height - 1); y++) {
        blendPixelClipped(canvas, x1, y, color, 255);
      }
    } else {
      blendPixelClipped(canvas, x1, y1, color, 255);
    }
    return;
  }
  if (dy === 0) {
    if (dx > 0) hlineClipped(canvas, xx0, xx0 + dx, y1, color);
    else blendPixelClipped(canvas, x1, y1, color, 255);
    return;
  }
  let xdir = 1;
  if (dx < 0) {
    xdir = -1;
    dx = -dx;
  }
  let erracc = 0;
  blendPixelClipped(canvas, x1, y1, color, 255);
  if (dy > dx) {
    const erradj = (Math.trunc((dx << 16) / dy) << 16) >>> 0;
    let x0pxdir = xx0 + xdir;
    while (--dy) {
      const tmp = erracc;
      erracc = (erracc + erradj) >>> 0;
      if (erracc <= tmp) {
        xx0 = x0pxdir;
        x0pxdir += xdir;
      }
      yy0++;
      const wgt = erracc >>> 24;
      blendPixelClipped(canvas, xx0, yy0, color, (255 * (255 - wgt)) >> 8);
      blendPixelClipped(canvas, x0pxdir, yy0, color, (255 * wgt) >> 8);
    }
  } else {
    const erradj = (Math.trunc((dy << 16) / dx) << 16) >>> 0;
    let y0p1 = yy0 + 1;
    while (--dx) {
      const tmp = erracc;
      erracc = (erracc + erradj) >>> 0;
      if (erracc <= tmp) {
        yy0 = y0p1;
        y0p1++;
      }
      xx0 += xdir;
      const wgt = erracc >>> 24;
      blendPixelClipped(canvas, xx0, yy0, color, (255 * (255 - wgt)) >> 8);
      blendPixelClipped(canvas, xx0, y0p1, color, (255 * wgt) >> 8);
    }
  }
}

/** gfxdraw.aapolygon: AA lines v[i-1] -> v[i] for i = 1..n-1, then v[n-1] -> v[0]. */
export function aaPolygon(
  canvas: RgbCanvas,
  vx: ArrayLike<number>,
  vy: ArrayLike<number>,
  n: number,
  color: number,
): void {
  if (n < 3) return;
  for (let i = 1; i < n; i++) aaLineNoEndpoint(canvas, vx[i - 1], vy[i - 1], vx[i], vy[i], color);
  aaLineNoEndpoint(canvas, vx[n - 1], vy[n - 1], vx[0], vy[0], color);
}

/** The 16.16 intersection of filledPolygonColorMT, with C int32 wrap-around. */
export function gfxIntersection(y: number, x1: number, y1: number, x2: number, y2: number): number {
  const q = Math.trunc(((65536 * (y - y1)) | 0) / (y2 - y1));
  return (Math.imul(q, x2 - x1) + ((65536 * x1) | 0)) | 0;
}

/** round16(v) = (v >> 16) + ((v & 0x8000) >> 15). */
export function round16(v: number): number {
  return (v >> 16) + ((v & 32768) >> 15);
}

const intsScratch: number[] = [];

/** gfxdraw.filled_polygon (SDL_gfx filledPolygonColorMT). */
export function filledPolygon(
  canvas: RgbCanvas,
  vx: ArrayLike<number>,
  vy: ArrayLike<number>,
  n: number,
  color: number,
): void {
  if (n < 3) return;
  let miny = vy[0];
  let maxy = vy[0];
  for (let i = 1; i < n; i++) {
    if (vy[i] < miny) miny = vy[i];
    else if (vy[i] > maxy) maxy = vy[i];
  }
  const ints = intsScratch;
  for (let y = miny; y <= maxy; y++) {
    ints.length = 0;
    for (let i = 0; i < n; i++) {
      const ind1 = i === 0 ? n - 1 : i - 1;
      const ind2 = i;
      let y1 = vy[ind1];
      let y2 = vy[ind2];
      let x1: number;
      let x2: number;
      if (y1 < y2) {
        x1 = vx[ind1];
        x2 = vx[ind2];
      } else if (y1 > y2) {
        y2 = vy[ind1];
        y1 = vy[ind2];
        x2 = vx[ind1];
        x1 = vx[ind2];
      } else {
        continue;
      }
      if ((y >= y1 && y < y2) || (y === maxy && y > y1 && y <= y2)) {
        ints.push(gfxIntersection(y, x1, y1, x2, y2));
      }
    }
    ints.sort((a, b) => a - b);
    for (let i = 0; i + 1 < ints.length; i += 2) {
      const xa = round16((ints[i] + 1) | 0);
      const xb = round16((ints[i + 1] - 1) | 0);
      hlineClipped(canvas, toInt16(xa), toInt16(xb), toInt16(y), color);
    }
  }
}
