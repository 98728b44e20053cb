/**
 * The 96x96 output cells of smoothscale 1000x800 -> 96x96 and their source supports (spec §8.8).
 *
 * Output (i, j) depends only on the canvas pixels in rows [rowLo[i], rowHi[i]] x columns
 * [colLo[j], colHi[j]] (the boundary pixels shared with a neighbour are included only where
 * their fixed-point weight can be non-zero). A cell whose support has a single colour k outputs
 * the same as a uniform image of colour k.
 */
import { STATE_H, STATE_W, WINDOW_H, WINDOW_W } from '../sim/constants.ts';
import { makeShrinkPass, type ShrinkPass } from './smoothscale.ts';

export interface Axis {
  readonly pass: ShrinkPass;
  /** Effective support of each output index, inclusive. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** lo/hi partial-pixel tables: LO[k * 256 + v] = (4v * loWeight[k]) >> 16, HI likewise. */
  readonly LO: Uint8Array;
  readonly HI: Uint8Array;
  /** For source index s: first output whose support ends at or after s. */
  readonly firstEndingAtOrAfter: Int32Array;
  /** For source index s: last output whose support starts at or before s. */
  readonly lastStartingAtOrBefore: Int32Array;
  /** For source index s: first output whose support starts at or after s (m if none). */
  readonly firstStartingAtOrAfter: Int32Array;
  /** For source index s: last output whose support ends at or before s (-1 if none). */
  readonly lastEndingAtOrBefore: Int32Array;
  /** OUT[sum] = min(255, (sum * recip) >> 16), sum < 8192. */
  readonly OUT: Uint8Array;
}

function contributes(w: number): boolean {
  return (4 * 255 * w) >> 16 > 0;
}

export function makeAxis(n: number, m: number): Axis {
  const pass = makeShrinkPass(n, m);
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  const LO = new Uint8Array(m * 256);
  const HI = new Uint8Array(m * 256);
  for (let k = 0; k < m; k++) {
    const b = pass.boundary[k];
    lo[k] = k === 0 ? 0 : contributes(pass.hiWeight[k - 1]) ? pass.boundary[k - 1] : pass.boundary[k - 1] + 1;
    hi[k] = contributes(pass.loWeight[k]) ? b : b - 1;
    for (let v = 0; v < 256; v++) {
      LO[k * 256 + v] = (4 * v * pass.loWeight[k]) >> 16;
      HI[k * 256 + v] = (4 * v * pass.hiWeight[k]) >> 16;
    }
  }
  const firstEndingAtOrAfter = new Int32Array(n);
  const lastStartingAtOrBefore = new Int32Array(n);
  const firstStartingAtOrAfter = new Int32Array(n);
  const lastEndingAtOrBefore = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let a = m;
    for (let k = 0; k < m; k++)
      if (hi[k] >= s) {
        a = k;
        break;
      }
    firstEndingAtOrAfter[s] = a;
    let b = -1;
    for (let k = m - 1; k >= 0; k--)
      if (lo[k] <= s) {
        b = k;
        break;
      }
    lastStartingAtOrBefore[s] = b;
    let c = m;
    for (let k = 0; k < m; k++)
      if (lo[k] >= s) {
        c = k;
        break;
      }
    firstStartingAtOrAfter[s] = c;
    let d = -1;
    for (let k = m - 1; k >= 0; k--)
      if (hi[k] <= s) {
        d = k;
        break;
      }
    lastEndingAtOrBefore[s] = d;
  }
  const OUT = new Uint8Array(8192);
  for (let s = 0; s < 8192; s++) {
    const v = (s * pass.recip) >> 16;
    OUT[s] = v > 255 ? 255 : v;
  }
  return {
    pass,
    lo,
    hi,
    LO,
    HI,
    firstEndingAtOrAfter,
    lastStartingAtOrBefore,
    firstStartingAtOrAfter,
    lastEndingAtOrBefore,
    OUT,
  };
}

export const X_AXIS = makeAxis(WINDOW_W, STATE_W);
export const Y_AXIS = makeAxis(WINDOW_H, STATE_H);

/** UNIFORM[k]: output of a cell whose whole support is colour value k (same for every cell). */
export const UNIFORM: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let k = 0; k < 256; k++) {
    let value = -1;
    for (let j = 0; j < STATE_W; j++) {
      const xv = uniformPass(X_AXIS, j, k);
      for (let i = 0; i < STATE_H; i++) {
        const v = uniformPass(Y_AXIS, i, xv[0]);
        // X values of a uniform cell are the same on every row of column j
        if (value === -1) value = v[0];
        else if (v[0] !== value) throw new Error('smoothscale: uniform colour is not uniform after scaling');
      }
    }
    table[k] = value;
  }
  return table;
})();

function uniformPass(axis: Axis, k: number, v: number): [number] {
  const p = axis.pass;
  let s = 0;
  if (k > 0) s += axis.HI[(k - 1) * 256 + v];
  const first = k === 0 ? 0 : p.boundary[k - 1] + 1;
  s += v * (p.boundary[k] - first);
  s += axis.LO[k * 256 + v];
  return [axis.OUT[s & 0xffff]];
}
