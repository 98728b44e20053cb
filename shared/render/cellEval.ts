/**
 * Exact output of a mixed cell (spec §8.8 smoothscale of the canvas the layers paint) from its
 * base colour and layer list only.
 *
 * The support of cell (i, j) is at most 12 columns x 9 rows.
 * - One layer over the base (the common case: evaluateSingle → evalA1): per row, the X
 *   sum of the layer's span over the base as a run, plus a correction per outline pixel outside
 *   the fill; then the Y pass. Channels with equal values in both colours are uniform and
 *   skipped; channels with identical (base, layer) values share one computation.
 * - Anything else (evaluateCell → evalPaint): the layers are painted in drawing order on the rows
 *   of the support that are not one colour, then the X and Y passes.
 */
import { STATE_W, WINDOW_H } from '../sim/constants.ts';
import { UNIFORM, X_AXIS, Y_AXIS } from './cellGrid.ts';
import { CAP, type Cells } from './cells.ts';
import { edgePixelsInBox, LAYER_GFX, LAYER_TEXT, MAX_SPANS, type Layers } from './layers.ts';
import type { TextStrip } from './scoreText.ts';

export interface EvalContext {
  ls: Layers;
  cells: Cells;
  text: TextStrip;
}

const XLO = X_AXIS.lo;
const XHI = X_AXIS.hi;
const YLO = Y_AXIS.lo;
const YHI = Y_AXIS.hi;
const XHI_T = X_AXIS.HI;
const XLO_T = X_AXIS.LO;
const YHI_T = Y_AXIS.HI;
const YLO_T = Y_AXIS.LO;
const XOUT = X_AXIS.OUT;
const YOUT = Y_AXIS.OUT;

/** UX[j * 256 + v]: X-pass output of bin j for a uniform row of value v; US: its sum. */
const UX = new Uint8Array(STATE_W * 256);
const US = new Uint16Array(STATE_W * 256);
/** First / last support column of bin j is a shared boundary pixel with a partial weight. */
const X_HAS_HI = new Uint8Array(STATE_W);
const X_HAS_LO = new Uint8Array(STATE_W);
const Y_HAS_HI = new Uint8Array(Y_AXIS.lo.length);
const Y_HAS_LO = new Uint8Array(Y_AXIS.lo.length);
for (let j = 0; j < STATE_W; j++) {
  X_HAS_HI[j] = j > 0 && XLO[j] === X_AXIS.pass.boundary[j - 1] ? 1 : 0;
  X_HAS_LO[j] = XHI[j] === X_AXIS.pass.boundary[j] ? 1 : 0;
  for (let v = 0; v < 256; v++) {
    let s = 0;
    for (let x = XLO[j]; x <= XHI[j]; x++) {
      if (X_HAS_HI[j] && x === XLO[j]) s += XHI_T[(j - 1) * 256 + v];
      else if (X_HAS_LO[j] && x === XHI[j]) s += XLO_T[j * 256 + v];
      else s += v;
    }
    US[j * 256 + v] = s;
    UX[j * 256 + v] = XOUT[s];
  }
}
for (let i = 0; i < Y_HAS_HI.length; i++) {
  Y_HAS_HI[i] = i > 0 && YLO[i] === Y_AXIS.pass.boundary[i - 1] ? 1 : 0;
  Y_HAS_LO[i] = YHI[i] === Y_AXIS.pass.boundary[i] ? 1 : 0;
}

/** Rows of a support (<= 9) and columns (<= 12), with slack. */
const MAXR = 16;

/** Outline pixels of one edge in a box (edgePixelsInBox): columns, post-flip rows, alphas. */
const tmpX = new Int32Array(4096);
const tmpA = new Int32Array(4096);
const tmpT = new Int32Array(4096);

const TWO32 = 4294967296;
/** The second class's Y sum of evalA1. */
const clsSum = new Int32Array(2);

/** Per-bin column weights: WOFF[j * 16 + (x - lo)] is the offset into WT of column x's weight table. */
const WT = new Uint16Array(256 * (1 + 2 * STATE_W));
const WOFF = new Int32Array(STATE_W * 16);
for (let v = 0; v < 256; v++) WT[v] = v;
for (let j = 0; j < STATE_W; j++) {
  for (let v = 0; v < 256; v++) {
    WT[256 * (1 + j) + v] = XHI_T[j * 256 + v];
    WT[256 * (1 + STATE_W + j) + v] = XLO_T[j * 256 + v];
  }
}
for (let j = 0; j < STATE_W; j++) {
  for (let x = XLO[j]; x <= XHI[j]; x++) {
    let off = 0;
    if (x === XLO[j] && X_HAS_HI[j]) off = 256 * (1 + (j - 1));
    else if (x === XHI[j] && X_HAS_LO[j]) off = 256 * (1 + STATE_W + j);
    WOFF[j * 16 + (x - XLO[j])] = off;
  }
}

// ----- one layer over a uniform base -----

/**
 * Per-row state of the single-layer evaluators (t = r - r0): the layer's span [a, b] (empty:
 * a > b), the columns of the outline pixels kept so far (bit x - c0), and the X sums (class 0
 * at t, class 1 at MAXR + t).
 */
const aA = new Int32Array(MAXR);
const aB = new Int32Array(MAXR);
const aMask = new Int32Array(MAXR);
const aSum = new Int32Array(MAXR * 2);
/**
 * One layer l over base colour B, for one or two channel classes (values bv / pv and, when
 * `two`, bv2 / pv2): the hot path. Returns the Y sum of the first class (the second's goes to
 * clsSum[1]), or -1 when evaluateCell must handle the cell (several spans on a row, or an
 * outline pixel outside the fill hit twice).
 *
 * The rows' X sums start from the fill alone (a run over the base); then every outline pixel
 * outside the fill of its row adds its change. Without repeated pixels each such pixel is the
 * base blended once with the layer colour, so the order of the edges (drawing order) does not
 * matter.
 */
function evalA1(
  ls: Layers,
  i: number,
  j: number,
  l: number,
  bv: number,
  pv: number,
  bv2: number,
  pv2: number,
  two: boolean,
): number {
  const aSum_ = aSum;
  const aA_ = aA;
  const aB_ = aB;
  const aMask_ = aMask;
  const WT_ = WT;
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  const lo = ls.rowLo[l];
  const hi = ls.rowHi[l];
  const jT = j * 256;
  const wo = j * 16;
  const usB = US[jT + bv];
  const usB2 = US[jT + bv2];
  const nr = r1 - r0 + 1;
  // rows of the layer in the cell (outline pixels outside [lo, hi] are not drawn)
  let ta = (r0 > lo ? r0 : lo) - r0;
  let tb = (r1 < hi ? r1 : hi) - r0;
  if (ta > tb) {
    ta = nr;
    tb = nr - 1;
  }
  for (let t = 0; t < ta; t++) {
    aSum_[t] = usB;
    aSum_[MAXR + t] = usB2;
  }
  for (let t = tb + 1; t < nr; t++) {
    aSum_[t] = usB;
    aSum_[MAXR + t] = usB2;
  }
  const d = pv - bv;
  const d2 = pv2 - bv2;
  const offFirst = WOFF[wo];
  const offLast = WOFF[wo + (c1 - c0)];
  const eFirst = WT_[offFirst + pv] - WT_[offFirst + bv] - d;
  const eLast = WT_[offLast + pv] - WT_[offLast + bv] - d;
  const eFirst2 = WT_[offFirst + pv2] - WT_[offFirst + bv2] - d2;
  const eLast2 = WT_[offLast + pv2] - WT_[offLast + bv2] - d2;
  const eb = ls.base[l] - lo + r0;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  for (let t = ta; t <= tb; t++) {
    const e = eb + t;
    const ns = nSpans[e];
    let s = usB;
    let s2 = usB2;
    if (ns === 1) {
      const a = spanA[e * MAX_SPANS];
      const b = spanB[e * MAX_SPANS];
      aA_[t] = a;
      aB_[t] = b;
      const ca = a < c0 ? c0 : a;
      const cb = b > c1 ? c1 : b;
      if (ca <= cb) {
        s += d * (cb - ca + 1);
        s2 += d2 * (cb - ca + 1);
        if (ca === c0) {
          s += eFirst;
          s2 += eFirst2;
        }
        if (cb === c1) {
          s += eLast;
          s2 += eLast2;
        }
      }
    } else if (ns === 0) {
      aA_[t] = 1;
      aB_[t] = 0;
    } else {
      return -1;
    }
    aSum_[t] = s;
    aSum_[MAXR + t] = s2;
    aMask_[t] = 0;
  }
  if (ta <= tb && ls.kind[l] === LAYER_GFX) {
    const ra = ta + r0;
    const rb = tb + r0;
    const e0 = ls.edgeStart[l];
    const e1 = e0 + ls.edgeCount[l];
    const eXa = ls.eXa;
    const eXb = ls.eXb;
    const eR0 = ls.eR0;
    const eR1 = ls.eR1;
    const eType = ls.eType;
    for (let q = e0; q < e1; q++) {
      if (eXb[q] < c0 || eXa[q] > c1 || eR1[q] < ra || eR0[q] > rb) continue;
      const type = eType[q];
      if (type === 3) {
        if (!addYMajor(ls, q, c0, c1, ra, rb, r0, wo, bv, pv, bv2, pv2, two)) return -1;
      } else if (type === 4) {
        if (!addXMajor(ls, q, c0, c1, ra, rb, r0, wo, bv, pv, bv2, pv2, two)) return -1;
      } else if (type !== 0) {
        if (!addStraight(ls, q, c0, c1, ra, rb, r0, wo, bv, pv, bv2, pv2, two)) return -1;
      }
    }
  }
  if (two) clsSum[1] = yPassA(i, nr, MAXR);
  return yPassA(i, nr, 0);
}

/**
 * Adds to aSum the change of the outline pixel in row t, column c0 + xi over the base: the layer
 * colour itself (al = 255) or the base blended with it. False: the pixel was already added.
 */
function addOutlinePixel(
  t: number,
  xi: number,
  wo: number,
  al: number,
  bv: number,
  pv: number,
  bv2: number,
  pv2: number,
  two: boolean,
): boolean {
  const bit = 1 << xi;
  if (aMask[t] & bit) return false;
  aMask[t] |= bit;
  const off = WOFF[wo + xi];
  const fv = al === 255 ? pv : bv + (((pv - bv) * al) >> 8);
  aSum[t] += WT[off + fv] - WT[off + bv];
  if (two) {
    const fv2 = al === 255 ? pv2 : bv2 + (((pv2 - bv2) * al) >> 8);
    aSum[MAXR + t] += WT[off + fv2] - WT[off + bv2];
  }
  return true;
}

/**
 * Adds to aSum the change of each pixel of y-major outline edge q in columns [c0, c1], post-flip
 * rows [ra, rb], outside the fill of its row (the base blended with the layer colour; the pixels
 * of edgePixelsInBox). False: a pixel was already added.
 */
function addYMajor(
  ls: Layers,
  q: number,
  c0: number,
  c1: number,
  ra: number,
  rb: number,
  r0: number,
  wo: number,
  bv: number,
  pv: number,
  bv2: number,
  pv2: number,
  two: boolean,
): boolean {
  const aA_ = aA;
  const aB_ = aB;
  const yBase = WINDOW_H - 1 - rb;
  const yTop = WINDOW_H - 1 - ra;
  // t = r - r0 = tOf - y
  const tOf = WINDOW_H - 1 - r0;
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) {
    const t = tOf - Y1;
    if ((X1 < aA_[t] || X1 > aB_[t]) && !addOutlinePixel(t, X1 - c0, wo, 255, bv, pv, bv2, pv2, two)) return false;
  }
  const yy0 = ls.eYY0[q];
  let kk0 = yBase - yy0;
  let kk1 = yTop - yy0;
  const dy = ls.eDY[q];
  if (kk0 < 1) kk0 = 1;
  if (kk1 > dy - 1) kk1 = dy - 1;
  if (kk0 > kk1) return true;
  const adj = ls.eAdj[q];
  const prod = kk0 * adj;
  let wraps = Math.floor(prod / TWO32);
  let acc = prod - wraps * TWO32;
  const xx0 = ls.eXX0[q];
  const xdir = ls.eXdir[q];
  const tEnd = tOf - yy0;
  for (let kk = kk0; kk <= kk1; kk++) {
    const x = xx0 + xdir * wraps;
    // x moves one way along the edge: past the columns, nothing more
    if (xdir > 0 ? x > c1 : x < c0) break;
    const w = acc >>> 24;
    const t = tEnd - kk;
    const a = aA_[t];
    const b = aB_[t];
    if (w < 254 && x >= c0 && x <= c1 && (x < a || x > b)) {
      if (!addOutlinePixel(t, x - c0, wo, (255 * (255 - w)) >> 8, bv, pv, bv2, pv2, two)) return false;
    }
    const x2 = x + xdir;
    if (w > 1 && x2 >= c0 && x2 <= c1 && (x2 < a || x2 > b)) {
      if (!addOutlinePixel(t, x2 - c0, wo, (255 * w) >> 8, bv, pv, bv2, pv2, two)) return false;
    }
    acc += adj;
    if (acc >= TWO32) {
      acc -= TWO32;
      wraps++;
    }
  }
  return true;
}

/** addYMajor for an x-major outline edge. */
function addXMajor(
  ls: Layers,
  q: number,
  c0: number,
  c1: number,
  ra: number,
  rb: number,
  r0: number,
  wo: number,
  bv: number,
  pv: number,
  bv2: number,
  pv2: number,
  two: boolean,
): boolean {
  const aA_ = aA;
  const aB_ = aB;
  const yBase = WINDOW_H - 1 - rb;
  const yTop = WINDOW_H - 1 - ra;
  const tOf = WINDOW_H - 1 - r0;
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) {
    const t = tOf - Y1;
    if ((X1 < aA_[t] || X1 > aB_[t]) && !addOutlinePixel(t, X1 - c0, wo, 255, bv, pv, bv2, pv2, two)) return false;
  }
  const xx0 = ls.eXX0[q];
  const dx = ls.eDX[q];
  const xdir = ls.eXdir[q];
  let s0 = xdir > 0 ? c0 - xx0 : xx0 - c1;
  let s1 = xdir > 0 ? c1 - xx0 : xx0 - c0;
  if (s0 < 1) s0 = 1;
  if (s1 > dx - 1) s1 = dx - 1;
  const adj = ls.eAdj[q];
  const yy0 = ls.eYY0[q];
  // y never decreases along the edge: start at the rows, stop below them
  s0 = xMajorFirstStep(s0, adj, yBase - 1 - yy0);
  if (s0 > s1) return true;
  let wraps: number;
  let acc: number;
  if (adj === 0) {
    wraps = s0;
    acc = 0;
  } else {
    const prod = s0 * adj;
    wraps = Math.floor(prod / TWO32);
    acc = prod - wraps * TWO32;
  }
  for (let st = s0; st <= s1; st++) {
    const x = xx0 + xdir * st;
    const y = yy0 + wraps;
    if (y > yTop) break;
    const w = acc >>> 24;
    const xi = x - c0;
    if (w < 254 && y >= yBase) {
      const t = tOf - y;
      if ((x < aA_[t] || x > aB_[t]) && !addOutlinePixel(t, xi, wo, (255 * (255 - w)) >> 8, bv, pv, bv2, pv2, two))
        return false;
    }
    if (w > 1 && y + 1 >= yBase && y + 1 <= yTop) {
      const t = tOf - y - 1;
      if ((x < aA_[t] || x > aB_[t]) && !addOutlinePixel(t, xi, wo, (255 * w) >> 8, bv, pv, bv2, pv2, two))
        return false;
    }
    if (adj === 0) wraps++;
    else {
      acc += adj;
      if (acc >= TWO32) {
        acc -= TWO32;
        wraps++;
      }
    }
  }
  return true;
}

/** addYMajor for a vertical or horizontal outline edge (full-colour pixels). */
function addStraight(
  ls: Layers,
  q: number,
  c0: number,
  c1: number,
  ra: number,
  rb: number,
  r0: number,
  wo: number,
  bv: number,
  pv: number,
  bv2: number,
  pv2: number,
  two: boolean,
): boolean {
  const aA_ = aA;
  const aB_ = aB;
  const tmpX_ = tmpX;
  const tmpT_ = tmpT;
  const m = edgePixelsInBox(ls, q, c0, c1, ra, rb, tmpX_, tmpT_, tmpA, 0);
  for (let p = 0; p < m; p++) {
    const x = tmpX_[p];
    const t = tmpT_[p] - r0;
    if (x >= aA_[t] && x <= aB_[t]) continue;
    if (!addOutlinePixel(t, x - c0, wo, 255, bv, pv, bv2, pv2, two)) return false;
  }
  return true;
}

/** Y pass over the row sums aSum[o .. o + nr). */
function yPassA(i: number, nr: number, o: number): number {
  const XOUT_ = XOUT;
  const YHI_T_ = YHI_T;
  const YLO_T_ = YLO_T;
  const Y_HAS_HI_ = Y_HAS_HI;
  const Y_HAS_LO_ = Y_HAS_LO;
  const aSum_ = aSum;
  let ysum = 0;
  let t0 = 0;
  let t1 = nr;
  if (Y_HAS_HI_[i] !== 0) {
    ysum += YHI_T_[(i - 1) * 256 + XOUT_[aSum_[o]]];
    t0 = 1;
  }
  if (Y_HAS_LO_[i] !== 0) {
    ysum += YLO_T_[i * 256 + XOUT_[aSum_[o + nr - 1]]];
    t1 = nr - 1;
  }
  for (let t = t0; t < t1; t++) ysum += XOUT_[aSum_[o + t]];
  return ysum;
}

/**
 * Fast entry for a cell whose list is the single non-text layer l (no overflow) over base colour
 * B, with one or two channel classes (a channel whose base and layer values are equal is
 * uniform; channels with the same pair of values share a class). Returns false (nothing
 * written) when evaluateCell must handle the cell: three classes, or a layout evalA1 does not
 * take.
 */
export function evaluateSingle(
  ls: Layers,
  i: number,
  j: number,
  l: number,
  B: number,
  out: Uint8Array,
  o: number,
): boolean {
  const P = ls.color[l];
  const br = (B >> 16) & 255;
  const bg = (B >> 8) & 255;
  const bb = B & 255;
  const pr = (P >> 16) & 255;
  const pg = (P >> 8) & 255;
  const pb = P & 255;
  // class of each channel: -1 uniform, 0 (bv, pv), 1 (bv2, pv2)
  let bv = -1;
  let pv = -1;
  let bv2 = 0;
  let pv2 = 0;
  let two = false;
  let kr = -1;
  let kg = -1;
  let kb = -1;
  if (br !== pr) {
    bv = br;
    pv = pr;
    kr = 0;
  }
  if (bg !== pg) {
    if (bv < 0) {
      bv = bg;
      pv = pg;
      kg = 0;
    } else if (bg === bv && pg === pv) kg = 0;
    else {
      bv2 = bg;
      pv2 = pg;
      two = true;
      kg = 1;
    }
  }
  if (bb !== pb) {
    if (bv < 0) {
      bv = bb;
      pv = pb;
      kb = 0;
    } else if (bb === bv && pb === pv) kb = 0;
    else if (!two) {
      bv2 = bb;
      pv2 = pb;
      two = true;
      kb = 1;
    } else if (bb === bv2 && pb === pv2) kb = 1;
    else return false;
  }
  if (bv < 0) {
    out[o] = UNIFORM[br];
    out[o + 1] = UNIFORM[bg];
    out[o + 2] = UNIFORM[bb];
    return true;
  }
  const sum = evalA1(ls, i, j, l, bv, pv, bv2, pv2, two);
  if (sum < 0) return false;
  const v0 = YOUT[sum];
  const v1 = two ? YOUT[clsSum[1]] : 0;
  out[o] = kr < 0 ? UNIFORM[br] : kr === 0 ? v0 : v1;
  out[o + 1] = kg < 0 ? UNIFORM[bg] : kg === 0 ? v0 : v1;
  out[o + 2] = kb < 0 ? UNIFORM[bb] : kb === 0 ? v0 : v1;
  return true;
}

// ----- painter: any layers over a uniform base -----

/** Painted rows of the support: grid[t * 16 + (x - c0)], packed colours. */
const grid = new Int32Array(MAXR * 16);
/**
 * Per row t, pRowPainted: 0 the row is colour pRowColor; 1 it is pRowColor with columns
 * [pRunA, pRunB] (offsets from c0) in colour pRunC; 2 grid holds it.
 */
const pRowColor = new Int32Array(MAXR);
const pRowPainted = new Uint8Array(MAXR);
const pRunA = new Int32Array(MAXR);
const pRunB = new Int32Array(MAXR);
const pRunC = new Int32Array(MAXR);

/** Writes row t (state 0 or 1, columns 0..w) to grid: state 2. */
function rowToGrid(t: number, w: number): void {
  const grid_ = grid;
  const g = t * 16;
  const v = pRowColor[t];
  if (pRowPainted[t] === 1) {
    const xa = pRunA[t];
    const xb = pRunB[t];
    const c = pRunC[t];
    for (let x = 0; x < xa; x++) grid_[g + x] = v;
    for (let x = xa; x <= xb; x++) grid_[g + x] = c;
    for (let x = xb + 1; x <= w; x++) grid_[g + x] = v;
  } else {
    for (let x = 0; x <= w; x++) grid_[g + x] = v;
  }
  pRowPainted[t] = 2;
}

/** Blends colour `color` with alpha al (255: the colour itself) into column xi of painted row t. */
function paintPixel(t: number, xi: number, al: number, color: number, w: number): void {
  const grid_ = grid;
  const g = t * 16;
  if (pRowPainted[t] !== 2) rowToGrid(t, w);
  const idx = g + xi;
  if (al === 255) {
    grid_[idx] = color;
    return;
  }
  const old = grid_[idx];
  const or = (old >> 16) & 255;
  const og = (old >> 8) & 255;
  const ob = old & 255;
  grid_[idx] =
    ((or + (((((color >> 16) & 255) - or) * al) >> 8)) << 16) |
    ((og + (((((color >> 8) & 255) - og) * al) >> 8)) << 8) |
    (ob + ((((color & 255) - ob) * al) >> 8));
}

/**
 * Paints the pixels of y-major outline edge q in columns [c0, c1], post-flip rows [ra, rb] (those
 * of edgePixelsInBox, in its order) over the painter's rows (t = r - r0).
 */
function paintYMajor(
  ls: Layers,
  q: number,
  c0: number,
  c1: number,
  ra: number,
  rb: number,
  r0: number,
  w: number,
  color: number,
): void {
  const yBase = WINDOW_H - 1 - rb;
  const yTop = WINDOW_H - 1 - ra;
  const tOf = WINDOW_H - 1 - r0;
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) paintPixel(tOf - Y1, X1 - c0, 255, color, w);
  const yy0 = ls.eYY0[q];
  let kk0 = yBase - yy0;
  let kk1 = yTop - yy0;
  const dy = ls.eDY[q];
  if (kk0 < 1) kk0 = 1;
  if (kk1 > dy - 1) kk1 = dy - 1;
  if (kk0 > kk1) return;
  const adj = ls.eAdj[q];
  const prod = kk0 * adj;
  let wraps = Math.floor(prod / TWO32);
  let acc = prod - wraps * TWO32;
  const xx0 = ls.eXX0[q];
  const xdir = ls.eXdir[q];
  const tEnd = tOf - yy0;
  for (let kk = kk0; kk <= kk1; kk++) {
    const x = xx0 + xdir * wraps;
    // x moves one way along the edge: past the columns, nothing more
    if (xdir > 0 ? x > c1 : x < c0) break;
    const wt = acc >>> 24;
    const t = tEnd - kk;
    if (wt < 254 && x >= c0 && x <= c1) paintPixel(t, x - c0, (255 * (255 - wt)) >> 8, color, w);
    const x2 = x + xdir;
    if (wt > 1 && x2 >= c0 && x2 <= c1) paintPixel(t, x2 - c0, (255 * wt) >> 8, color, w);
    acc += adj;
    if (acc >= TWO32) {
      acc -= TWO32;
      wraps++;
    }
  }
}

/** paintYMajor for an x-major outline edge. */
function paintXMajor(
  ls: Layers,
  q: number,
  c0: number,
  c1: number,
  ra: number,
  rb: number,
  r0: number,
  w: number,
  color: number,
): void {
  const yBase = WINDOW_H - 1 - rb;
  const yTop = WINDOW_H - 1 - ra;
  const tOf = WINDOW_H - 1 - r0;
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) paintPixel(tOf - Y1, X1 - c0, 255, color, w);
  const xx0 = ls.eXX0[q];
  const dx = ls.eDX[q];
  const xdir = ls.eXdir[q];
  let s0 = xdir > 0 ? c0 - xx0 : xx0 - c1;
  let s1 = xdir > 0 ? c1 - xx0 : xx0 - c0;
  if (s0 < 1) s0 = 1;
  if (s1 > dx - 1) s1 = dx - 1;
  const adj = ls.eAdj[q];
  const yy0 = ls.eYY0[q];
  s0 = xMajorFirstStep(s0, adj, yBase - 1 - yy0);
  if (s0 > s1) return;
  let wraps: number;
  let acc: number;
  if (adj === 0) {
    wraps = s0;
    acc = 0;
  } else {
    const prod = s0 * adj;
    wraps = Math.floor(prod / TWO32);
    acc = prod - wraps * TWO32;
  }
  for (let st = s0; st <= s1; st++) {
    const y = yy0 + wraps;
    if (y > yTop) break;
    const xi = xx0 + xdir * st - c0;
    const wt = acc >>> 24;
    if (wt < 254 && y >= yBase) paintPixel(tOf - y, xi, (255 * (255 - wt)) >> 8, color, w);
    if (wt > 1 && y + 1 >= yBase && y + 1 <= yTop) paintPixel(tOf - y - 1, xi, (255 * wt) >> 8, color, w);
    if (adj === 0) wraps++;
    else {
      acc += adj;
      if (acc >= TWO32) {
        acc -= TWO32;
        wraps++;
      }
    }
  }
}

/**
 * An x-major edge's step st is at rows yy0 + floor(st * adj / 2^32) (st when adj = 0) and the
 * next one, never decreasing: the steps before the first whose wrap count reaches k (so whose
 * second row reaches the box's bottom row) draw nothing in the box. Returns a step s >= s0 no
 * later than that one (one step early at worst: the products are exact, the quotient is not).
 */
function xMajorFirstStep(s0: number, adj: number, k: number): number {
  if (k <= 0) return s0;
  let s: number;
  if (adj === 0) s = k;
  else s = Math.floor((k * TWO32) / adj) - 1;
  return s > s0 ? s : s0;
}

/**
 * Exact output of the cell (i, j) whose list is the n layers list[ls0 ..] over base colour B:
 * the layers are painted in drawing order (a gfx layer's outline pixels blended over what is
 * there, then its fill; the score text's grey pixels) on the rows of the support. A row stays
 * a single colour, without painting, as long as every layer misses it or fills it edge to
 * edge. Then the X pass (a table lookup for a one-colour row) and the Y pass, once per class of
 * channels: a channel with the same value in B and every layer colour is uniform, a channel
 * equal to an earlier one in all of them shares its result (not with the text, to be plain).
 */
function evalPaint(
  ctx: EvalContext,
  i: number,
  j: number,
  list: Int32Array,
  ls0: number,
  n: number,
  B: number,
  out: Uint8Array,
  o: number,
): void {
  const ls = ctx.ls;
  const grid_ = grid;
  const pRowColor_ = pRowColor;
  const pRowPainted_ = pRowPainted;
  const pRunA_ = pRunA;
  const pRunB_ = pRunB;
  const pRunC_ = pRunC;
  const tmpX_ = tmpX;
  const tmpT_ = tmpT;
  const tmpA_ = tmpA;
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  const nr = r1 - r0 + 1;
  const w = c1 - c0;
  // channel classes
  const b0 = (B >> 16) & 255;
  const b1 = (B >> 8) & 255;
  const b2 = B & 255;
  let u0 = true;
  let u1 = true;
  let u2 = true;
  let eq01 = b0 === b1;
  let eq02 = b0 === b2;
  let eq12 = b1 === b2;
  for (let k = 0; k < n; k++) {
    const l = list[ls0 + k];
    if (ls.kind[l] === LAYER_TEXT) {
      u0 = u1 = u2 = false;
      eq01 = eq02 = eq12 = false;
      break;
    }
    const P = ls.color[l];
    const p0 = (P >> 16) & 255;
    const p1 = (P >> 8) & 255;
    const p2 = P & 255;
    if (p0 !== b0) u0 = false;
    if (p1 !== b1) u1 = false;
    if (p2 !== b2) u2 = false;
    if (p0 !== p1) eq01 = false;
    if (p0 !== p2) eq02 = false;
    if (p1 !== p2) eq12 = false;
  }
  if (u0 && u1 && u2) {
    uniformCell3(B, out, o);
    return;
  }
  for (let t = 0; t < nr; t++) {
    pRowColor_[t] = B;
    pRowPainted_[t] = 0;
  }
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  for (let k = 0; k < n; k++) {
    const l = list[ls0 + k];
    const lo = ls.rowLo[l];
    const hi = ls.rowHi[l];
    const ra = r0 > lo ? r0 : lo;
    const rb = r1 < hi ? r1 : hi;
    if (ra > rb) continue;
    const color = ls.color[l];
    const kind = ls.kind[l];
    const eb = ls.base[l] - lo;
    if (kind === LAYER_TEXT) {
      // the first span of a row, pixel by pixel from the text strip
      const tx = ctx.text;
      const gray = tx.gray;
      for (let r = ra; r <= rb; r++) {
        const e = eb + r;
        if (nSpans[e] === 0) continue;
        const a = spanA[e * MAX_SPANS] > c0 ? spanA[e * MAX_SPANS] : c0;
        const b = spanB[e * MAX_SPANS] < c1 ? spanB[e * MAX_SPANS] : c1;
        if (a > b) continue;
        const t = r - r0;
        const g = t * 16;
        if (pRowPainted_[t] !== 2) rowToGrid(t, w);
        const rowOff = (r - tx.top) * tx.width - tx.left;
        for (let x = a; x <= b; x++) {
          const v = gray[rowOff + x];
          grid_[g + x - c0] = (v << 16) | (v << 8) | v;
        }
      }
      continue;
    }
    if (kind === LAYER_GFX) {
      const e0 = ls.edgeStart[l];
      const e1 = e0 + ls.edgeCount[l];
      const cr = (color >> 16) & 255;
      const cg = (color >> 8) & 255;
      const cb = color & 255;
      for (let q = e0; q < e1; q++) {
        if (ls.eXb[q] < c0 || ls.eXa[q] > c1 || ls.eR1[q] < ra || ls.eR0[q] > rb) continue;
        const qa = ls.eR0[q] > ra ? ls.eR0[q] : ra;
        const qb = ls.eR1[q] < rb ? ls.eR1[q] : rb;
        const type = ls.eType[q];
        if (type === 3) {
          paintYMajor(ls, q, c0, c1, qa, qb, r0, w, color);
          continue;
        }
        if (type === 4) {
          paintXMajor(ls, q, c0, c1, qa, qb, r0, w, color);
          continue;
        }
        const m = edgePixelsInBox(ls, q, c0, c1, qa, qb, tmpX_, tmpT_, tmpA_, 0);
        for (let p = 0; p < m; p++) {
          const t = tmpT_[p] - r0;
          const g = t * 16;
          if (pRowPainted_[t] !== 2) rowToGrid(t, w);
          const idx = g + tmpX_[p] - c0;
          const al = tmpA_[p];
          if (al === 255) grid_[idx] = color;
          else {
            const old = grid_[idx];
            const or = (old >> 16) & 255;
            const og = (old >> 8) & 255;
            const ob = old & 255;
            grid_[idx] =
              ((or + (((cr - or) * al) >> 8)) << 16) |
              ((og + (((cg - og) * al) >> 8)) << 8) |
              (ob + (((cb - ob) * al) >> 8));
          }
        }
      }
    }
    for (let r = ra; r <= rb; r++) {
      const e = eb + r;
      const ns = nSpans[e];
      const t = r - r0;
      for (let s = 0; s < ns; s++) {
        const a = spanA[e * MAX_SPANS + s];
        const b = spanB[e * MAX_SPANS + s];
        if (a > c1 || b < c0) continue;
        if (a <= c0 && b >= c1) {
          pRowColor_[t] = color;
          pRowPainted_[t] = 0;
          break;
        }
        const xa = a < c0 ? 0 : a - c0;
        const xb = b > c1 ? w : b - c0;
        const state = pRowPainted_[t];
        if (state === 0 || (state === 1 && xa <= pRunA_[t] && xb >= pRunB_[t])) {
          // one run over the row's colour (replacing the run it covers)
          pRowPainted_[t] = 1;
          pRunA_[t] = xa;
          pRunB_[t] = xb;
          pRunC_[t] = color;
          continue;
        }
        if (state === 1) rowToGrid(t, w);
        const g = t * 16;
        for (let x = xa; x <= xb; x++) grid_[g + x] = color;
      }
    }
  }
  // X and Y passes: class 0 on shift sh0, class 1 on sh1, class 2 on sh2 (nCls of them)
  let nCls = 0;
  let sh0 = 0;
  let sh1 = 0;
  let sh2 = 0;
  let cl0 = -1;
  let cl1 = -1;
  let cl2 = -1;
  if (!u0) {
    cl0 = nCls++;
    sh0 = 16;
  }
  if (!u1) {
    if (!u0 && eq01) cl1 = cl0;
    else {
      cl1 = nCls++;
      if (cl1 === 0) sh0 = 8;
      else sh1 = 8;
    }
  }
  if (!u2) {
    if (!u0 && eq02) cl2 = cl0;
    else if (!u1 && eq12) cl2 = cl1;
    else {
      cl2 = nCls++;
      if (cl2 === 0) sh0 = 0;
      else if (cl2 === 1) sh1 = 0;
      else sh2 = 0;
    }
  }
  const WT_ = WT;
  const UX_ = UX;
  const XOUT_ = XOUT;
  const wo = j * 16;
  const offFirst = WOFF[wo];
  const offLast = WOFF[wo + w];
  const jT = j * 256;
  const hiT = Y_HAS_HI[i] !== 0 ? (i - 1) * 256 : -1;
  const loT = Y_HAS_LO[i] !== 0 ? i * 256 : -1;
  let ys0 = 0;
  let ys1 = 0;
  let ys2 = 0;
  for (let t = 0; t < nr; t++) {
    let x0: number;
    let x1 = 0;
    let x2 = 0;
    const state = pRowPainted_[t];
    if (state === 0) {
      const v = pRowColor_[t];
      x0 = UX_[jT + ((v >> sh0) & 255)];
      if (nCls > 1) x1 = UX_[jT + ((v >> sh1) & 255)];
      if (nCls > 2) x2 = UX_[jT + ((v >> sh2) & 255)];
    } else if (state === 1) {
      // the run over the row's colour, as in evalA1
      const u = pRowColor_[t];
      const c = pRunC_[t];
      const xa = pRunA_[t];
      const xb = pRunB_[t];
      x0 = XOUT_[runSum(jT, offFirst, offLast, w, xa, xb, (u >> sh0) & 255, (c >> sh0) & 255)];
      if (nCls > 1) x1 = XOUT_[runSum(jT, offFirst, offLast, w, xa, xb, (u >> sh1) & 255, (c >> sh1) & 255)];
      if (nCls > 2) x2 = XOUT_[runSum(jT, offFirst, offLast, w, xa, xb, (u >> sh2) & 255, (c >> sh2) & 255)];
    } else {
      const g = t * 16;
      const vf = grid_[g];
      const vl = grid_[g + w];
      let s0 = WT_[offFirst + ((vf >> sh0) & 255)] + WT_[offLast + ((vl >> sh0) & 255)];
      if (nCls === 1) {
        for (let x = 1; x < w; x++) s0 += (grid_[g + x] >> sh0) & 255;
      } else {
        let s1 = WT_[offFirst + ((vf >> sh1) & 255)] + WT_[offLast + ((vl >> sh1) & 255)];
        let s2 = WT_[offFirst + ((vf >> sh2) & 255)] + WT_[offLast + ((vl >> sh2) & 255)];
        for (let x = 1; x < w; x++) {
          const v = grid_[g + x];
          s0 += (v >> sh0) & 255;
          s1 += (v >> sh1) & 255;
          s2 += (v >> sh2) & 255;
        }
        x1 = XOUT_[s1];
        x2 = XOUT_[s2];
      }
      x0 = XOUT_[s0];
    }
    if (t === 0 && hiT >= 0) {
      ys0 += YHI_T[hiT + x0];
      ys1 += YHI_T[hiT + x1];
      ys2 += YHI_T[hiT + x2];
    } else if (t === nr - 1 && loT >= 0) {
      ys0 += YLO_T[loT + x0];
      ys1 += YLO_T[loT + x1];
      ys2 += YLO_T[loT + x2];
    } else {
      ys0 += x0;
      ys1 += x1;
      ys2 += x2;
    }
  }
  const v0 = YOUT[ys0];
  const v1 = YOUT[ys1];
  const v2 = YOUT[ys2];
  out[o] = u0 ? UNIFORM[b0] : v0;
  out[o + 1] = u1 ? UNIFORM[b1] : cl1 === 0 ? v0 : v1;
  out[o + 2] = u2 ? UNIFORM[b2] : cl2 === 0 ? v0 : cl2 === 1 ? v1 : v2;
}

/**
 * X sum of a row of bin j (jT = j * 256) of value u with value p on columns [xa, xb] (offsets
 * from the first column, 0 <= xa <= xb <= w); offFirst / offLast: WOFF of its first and last
 * column.
 */
function runSum(
  jT: number,
  offFirst: number,
  offLast: number,
  w: number,
  xa: number,
  xb: number,
  u: number,
  p: number,
): number {
  const d = p - u;
  let s = US[jT + u] + d * (xb - xa + 1);
  if (xa === 0) s += WT[offFirst + p] - WT[offFirst + u] - d;
  if (xb === w) s += WT[offLast + p] - WT[offLast + u] - d;
  return s;
}

let overflowBuf = new Int32Array(256);

/** Exact output of mixed cell (i, j) into out[o..o+2]. */
export function evaluateCell(ctx: EvalContext, i: number, j: number, out: Uint8Array, o: number): void {
  const { ls, cells } = ctx;
  const c = i * STATE_W + j;
  const lf = cells.lastFull[c];
  const baseColor = lf >= 0 ? ls.color[lf] : 0;
  const n = cells.nLayers[c];
  if (n > CAP) {
    // every later layer (rare: deep stacks such as several cars on one spot)
    const m = ls.count - (lf + 1);
    if (overflowBuf.length < m) overflowBuf = new Int32Array(m * 2);
    for (let k = 0; k < m; k++) overflowBuf[k] = lf + 1 + k;
    evalPaint(ctx, i, j, overflowBuf, 0, m, baseColor, out, o);
    return;
  }
  evalPaint(ctx, i, j, cells.layers, c * CAP, n, baseColor, out, o);
}

function uniformCell3(col: number, out: Uint8Array, o: number): void {
  const UNIFORM_ = UNIFORM;
  out[o] = UNIFORM_[(col >> 16) & 255];
  out[o + 1] = UNIFORM_[(col >> 8) & 255];
  out[o + 2] = UNIFORM_[col & 255];
}
