/**
 * pygame.transform.smoothscale, shrinking case, x86-64 "SSE" backend (spec §8.8): two separable
 * area-averaging passes in 14-bit fixed point, X first, then Y. Channels are independent.
 */
import type { RgbCanvas } from './rgbCanvas.ts';

/** Fixed-point layout of one shrink pass from n source pixels to m outputs. */
export interface ShrinkPass {
  readonly n: number;
  readonly m: number;
  /** floor(16384 * n / m) */
  readonly space: number;
  /** floor(2^30 / space) */
  readonly recip: number;
  /** Source index of the pixel that completes output k (the "boundary" pixel). */
  readonly boundary: Int32Array;
  /** Counter value at that pixel: it contributes (4p * counter) >> 16 to output k... */
  readonly loWeight: Int32Array;
  /** ...and (4p * (16384 - counter)) >> 16 to output k + 1. */
  readonly hiWeight: Int32Array;
}

export function makeShrinkPass(n: number, m: number): ShrinkPass {
  const space = Math.floor((16384 * n) / m);
  const recip = Math.floor(1073741824 / space);
  const boundary = new Int32Array(m);
  const loWeight = new Int32Array(m);
  const hiWeight = new Int32Array(m);
  let counter = space;
  let k = 0;
  for (let i = 0; i < n && k < m; i++) {
    if (counter > 16384) {
      counter -= 16384;
    } else {
      boundary[k] = i;
      loWeight[k] = counter;
      hiWeight[k] = 16384 - counter;
      k++;
      counter += space - 16384;
    }
  }
  if (k !== m) throw new Error(`smoothscale: ${n} -> ${m} produced ${k} outputs`);
  return { n, m, space, recip, boundary, loWeight, hiWeight };
}

/** One channel of one line: src[srcOff + i*srcStep], i < n -> dst[dstOff + k*dstStep], k < m. */
export function shrinkLine(
  pass: ShrinkPass,
  src: ArrayLike<number>,
  srcOff: number,
  srcStep: number,
  dst: { [i: number]: number },
  dstOff: number,
  dstStep: number,
): void {
  const { n, m, space, recip } = pass;
  let counter = space;
  let acc = 0;
  let k = 0;
  for (let i = 0; i < n && k < m; i++) {
    const p = src[srcOff + i * srcStep];
    if (counter > 16384) {
      acc += p;
      counter -= 16384;
    } else {
      const lo = (4 * p * counter) >> 16;
      const hi = (4 * p * (16384 - counter)) >> 16;
      const v = (((acc + lo) & 0xffff) * recip) >> 16;
      dst[dstOff + k * dstStep] = v > 255 ? 255 : v;
      k++;
      acc = hi;
      counter += space - 16384;
    }
  }
}

/** smoothscale of an RGB canvas to dw x dh (both smaller than the source), RGB bytes out. */
export function smoothscale(src: RgbCanvas, dw: number, dh: number, out?: Uint8Array): Uint8Array {
  const sw = src.width;
  const sh = src.height;
  if (dw >= sw || dh >= sh) throw new Error('smoothscale: only shrinking is implemented');
  const xp = makeShrinkPass(sw, dw);
  const yp = makeShrinkPass(sh, dh);
  const tmp = new Uint8Array(dw * sh * 3);
  for (let y = 0; y < sh; y++) {
    for (let c = 0; c < 3; c++) shrinkLine(xp, src.data, y * sw * 3 + c, 3, tmp, y * dw * 3 + c, 3);
  }
  const res = out ?? new Uint8Array(dw * dh * 3);
  for (let x = 0; x < dw; x++) {
    for (let c = 0; c < 3; c++) shrinkLine(yp, tmp, x * 3 + c, dw * 3, res, x * 3 + c, dw * 3);
  }
  return res;
}
