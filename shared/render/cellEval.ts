/**
 * Exact output of a mixed cell (spec §8.8 smoothscale of the canvas the layers paint) from its
 * base colour and layer list only.
 *
 * The support of cell (i, j) is at most 12 columns x 9 rows. Per cell:
 * 1. the AA outline pixels of its gfx layers inside the support are generated once (the few
 *    outline edges that reach it), grouped by row, without the pixels their own fill covers;
 * 2. per row, the X-pass value: a table lookup when the row is one colour, run-length sums when
 *    one layer partly covers a uniform row, else the row is painted pixel by pixel;
 * 3. the Y pass over the row values.
 * Channels with the same value in every colour of the cell are uniform and skipped; channels
 * with identical values everywhere share one computation.
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

// ----- per-cell fringe: pixels grouped by (list entry k, row t) -----
let gStart = new Int32Array((CAP + 1) * MAXR + 1);
const gX = new Int32Array(8192);
const gV = new Int32Array(8192); // alpha while gathering, then the packed colour
const tmpX = new Int32Array(4096);
const tmpA = new Int32Array(4096);
const tmpT = new Int32Array(4096);
const cnt = new Int32Array(MAXR + 1);

function blend(old: number, color: number, alpha: number): number {
  if (alpha === 255) return color;
  const orr = (old >> 16) & 255;
  const og = (old >> 8) & 255;
  const ob = old & 255;
  const nr = orr + (((((color >> 16) & 255) - orr) * alpha) >> 8);
  const ng = og + (((((color >> 8) & 255) - og) * alpha) >> 8);
  const nb = ob + ((((color & 255) - ob) * alpha) >> 8);
  return (nr << 16) | (ng << 8) | nb;
}

/**
 * Gathers the outline pixels of gfx layer l (list entry k) in columns [c0, c1], rows
 * [r0, r0 + nr), outside the layer's own fill, into gX/gV grouped by row from gStart[k * MAXR].
 * Returns the next free index.
 */
function gatherFringe(
  ls: Layers,
  k: number,
  l: number,
  c0: number,
  c1: number,
  r0: number,
  nr: number,
  at: number,
): number {
  const r1 = r0 + nr - 1;
  const lo = ls.rowLo[l];
  const hi = ls.rowHi[l];
  const eb = ls.base[l] - lo;
  let m = 0;
  const eEnd = ls.edgeStart[l] + ls.edgeCount[l];
  for (let q = ls.edgeStart[l]; q < eEnd; q++) {
    if (ls.eXb[q] < c0 || ls.eXa[q] > c1 || ls.eR1[q] < r0 || ls.eR0[q] > r1) continue;
    const ra = ls.eR0[q] > r0 ? ls.eR0[q] : r0;
    const rb = ls.eR1[q] < r1 ? ls.eR1[q] : r1;
    m = edgePixelsInBox(ls, q, c0, c1, ra < lo ? lo : ra, rb > hi ? hi : rb, tmpX, tmpT, tmpA, m);
  }
  // drop the pixels the layer's own fill covers; rows relative to r0
  let m2 = 0;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  for (let p = 0; p < m; p++) {
    const r = tmpT[p];
    const x = tmpX[p];
    const e = eb + r;
    const ns = nSpans[e];
    let inside = false;
    for (let s = 0; s < ns; s++) {
      if (x >= spanA[e * MAX_SPANS + s] && x <= spanB[e * MAX_SPANS + s]) {
        inside = true;
        break;
      }
    }
    if (inside) continue;
    tmpX[m2] = x;
    tmpT[m2] = r - r0;
    tmpA[m2++] = tmpA[p];
  }
  m = m2;
  // counting sort by row, stable (keeps the drawing order of each row)
  const g = k * MAXR;
  if (m === 0) {
    for (let t = 0; t <= nr; t++) gStart[g + t] = at;
    return at;
  }
  cnt.fill(0, 0, nr + 1);
  for (let p = 0; p < m; p++) cnt[tmpT[p] + 1]++;
  for (let t = 0; t < nr; t++) cnt[t + 1] += cnt[t];
  for (let t = 0; t <= nr; t++) gStart[g + t] = at + cnt[t];
  for (let p = 0; p < m; p++) {
    const d = at + cnt[tmpT[p]]++;
    gX[d] = tmpX[p];
    gV[d] = tmpA[p];
  }
  return at + m;
}

// ----- channel classes -----
const uniformCh = new Int32Array(3);
const srcCh = new Int32Array(3);
const cellColors = new Int32Array(CAP + 2);
const ysum = new Int32Array(3);
const scratch = new Int32Array(16);

/** Paints list entry k (layer l) of row r (row index t in the cell) over scratch. */
function paintRow(ctx: EvalContext, k: number, l: number, r: number, t: number, c0: number, c1: number): void {
  const ls = ctx.ls;
  const lo = ls.rowLo[l];
  if (r < lo || r > ls.rowHi[l]) return;
  const e = ls.base[l] + (r - lo);
  const color = ls.color[l];
  const kind = ls.kind[l];
  if (kind === LAYER_TEXT) {
    if (ls.nSpans[e] === 0) return;
    const a = ls.spanA[e * MAX_SPANS] > c0 ? ls.spanA[e * MAX_SPANS] : c0;
    const b = ls.spanB[e * MAX_SPANS] < c1 ? ls.spanB[e * MAX_SPANS] : c1;
    const tx = ctx.text;
    const rowOff = (r - tx.top) * tx.width - tx.left;
    for (let x = a; x <= b; x++) {
      const v = tx.gray[rowOff + x];
      scratch[x - c0] = (v << 16) | (v << 8) | v;
    }
    return;
  }
  if (kind === LAYER_GFX) {
    const g = k * MAXR + t;
    for (let p = gStart[g]; p < gStart[g + 1]; p++) {
      const x = gX[p] - c0;
      scratch[x] = blend(scratch[x], color, gV[p]);
    }
  }
  const n = ls.nSpans[e];
  for (let s = 0; s < n; s++) {
    let a = ls.spanA[e * MAX_SPANS + s];
    let b = ls.spanB[e * MAX_SPANS + s];
    if (a < c0) a = c0;
    if (b > c1) b = c1;
    for (let x = a; x <= b; x++) scratch[x - c0] = color;
  }
}

function xFromScratch(j: number, w: number, shift: number): number {
  let s = 0;
  let x0 = 0;
  let x1 = w;
  if (X_HAS_HI[j]) {
    s += XHI_T[(j - 1) * 256 + ((scratch[0] >> shift) & 255)];
    x0 = 1;
  }
  if (X_HAS_LO[j]) {
    s += XLO_T[j * 256 + ((scratch[w] >> shift) & 255)];
    x1 = w - 1;
  }
  for (let x = x0; x <= x1; x++) s += (scratch[x] >> shift) & 255;
  return XOUT[s];
}

/**
 * One row where layer colour `color` covers [ca, cb] (clipped; empty if ca > cb) and the
 * outline pixels gX/gV[p0, p1) (alphas) lie over an otherwise uniform `under`: the X value of
 * channel `sh`.
 */
function runsX(
  j: number,
  c0: number,
  c1: number,
  under: number,
  color: number,
  ca: number,
  cb: number,
  p0: number,
  p1: number,
  sh: number,
): number {
  const bv = (under >> sh) & 255;
  const pv = (color >> sh) & 255;
  const jT = j * 256;
  let s = US[jT + bv];
  if (ca <= cb && pv !== bv) {
    let ia = ca;
    let ib = cb;
    if (ca === c0 && X_HAS_HI[j]) {
      s += XHI_T[jT - 256 + pv] - XHI_T[jT - 256 + bv];
      ia++;
    }
    if (cb === c1 && X_HAS_LO[j]) {
      s += XLO_T[jT + pv] - XLO_T[jT + bv];
      ib--;
    }
    if (ib >= ia) s += (pv - bv) * (ib - ia + 1);
  }
  if (p1 > p0) {
    // outline pixels blended over `under` (a repeated x blends over the earlier result)
    for (let p = p0; p < p1; p++) {
      const x = gX[p];
      let dup = false;
      for (let q = p0; q < p; q++) if (gX[q] === x) dup = true;
      if (dup) continue;
      let v = blend(under, color, gV[p]);
      for (let q = p + 1; q < p1; q++) if (gX[q] === x) v = blend(v, color, gV[q]);
      const fv = (v >> sh) & 255;
      if (fv === bv) continue;
      if (x === c0 && X_HAS_HI[j]) s += XHI_T[jT - 256 + fv] - XHI_T[jT - 256 + bv];
      else if (x === c1 && X_HAS_LO[j]) s += XLO_T[jT + fv] - XLO_T[jT + bv];
      else s += fv - bv;
    }
  }
  return XOUT[s];
}

// ----- fused evaluator: one or two layers over a uniform base -----

const TWO32 = 4294967296;
/** Per layer k (0, 1): its y-major outline edge walked incrementally, other edges pre-generated. */
const wYq = new Int32Array(2);
const wYY0 = new Int32Array(2);
const wDY = new Int32Array(2);
const wX1 = new Int32Array(2);
const wY1 = new Int32Array(2);
const wXX0 = new Int32Array(2);
const wXdir = new Int32Array(2);
const wAdj = new Float64Array(2);
const wAcc = new Float64Array(2);
const wWraps = new Int32Array(2);
const wKk = new Int32Array(2);
const wSlots = new Int32Array(2);
/** 1: the walked edge comes after the slot edges in drawing order (its pixels go after theirs). */
const wAfter = new Uint8Array(2);
const slotN = new Int32Array(2 * MAXR);
const slotX = new Int32Array(2 * MAXR * 16);
const slotA = new Int32Array(2 * MAXR * 16);
const survX = new Int32Array(128);
const survA = new Int32Array(128);
/** Per-column scratch for blending outline pixels (stamped to avoid clearing), per class. */
const colStamp = new Int32Array(16);
const colVal = new Int32Array(16);
const touched = new Int32Array(16);
let stampNow = 0;
/** Channel classes of the fused evaluator: values of base / layer 0 / layer 1 and Y sums. */
const clsB = new Int32Array(3);
const clsP0 = new Int32Array(3);
const clsP1 = new Int32Array(3);
const clsSum = new Int32Array(3);
const chCls = new Int32Array(3);

/**
 * Whether y-major outline edge q has a pixel in columns [c0, c1], pre-flip rows [yBase, yTop]
 * (conservative: alpha-0 pixels count). Edges whose bounding box meets a cell but whose pixels
 * do not are skipped by the evaluators: they draw nothing there.
 */
function yMajorReaches(ls: Layers, q: number, c0: number, c1: number, yBase: number, yTop: number): boolean {
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) return true;
  const yy0 = ls.eYY0[q];
  const dy = ls.eDY[q];
  let kk0 = yBase - yy0;
  let kk1 = yTop - yy0;
  if (kk0 < 1) kk0 = 1;
  if (kk1 > dy - 1) kk1 = dy - 1;
  if (kk0 > kk1) return false;
  const adj = ls.eAdj[q];
  // step kk draws columns x and x + xdir, x = xx0 + xdir * floor(kk * adj / 2^32)
  const wA = Math.floor((kk0 * adj) / TWO32);
  const wB = Math.floor((kk1 * adj) / TWO32);
  const xx0 = ls.eXX0[q];
  if (ls.eXdir[q] > 0) return xx0 + wA <= c1 && xx0 + wB + 1 >= c0;
  return xx0 - wB - 1 <= c1 && xx0 - wA >= c0;
}

/** Same for x-major outline edge q. */
function xMajorReaches(ls: Layers, q: number, c0: number, c1: number, yBase: number, yTop: number): boolean {
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) return true;
  const xx0 = ls.eXX0[q];
  const dx = ls.eDX[q];
  const xdir = ls.eXdir[q];
  let s0 = xdir > 0 ? c0 - xx0 : xx0 - c1;
  let s1 = xdir > 0 ? c1 - xx0 : xx0 - c0;
  if (s0 < 1) s0 = 1;
  if (s1 > dx - 1) s1 = dx - 1;
  if (s0 > s1) return false;
  const adj = ls.eAdj[q];
  // step st draws rows y and y + 1, y = yy0 + floor(st * adj / 2^32) (st when adj = 0)
  const yy0 = ls.eYY0[q];
  const ya = yy0 + (adj === 0 ? s0 : Math.floor((s0 * adj) / TWO32));
  const yb = yy0 + (adj === 0 ? s1 : Math.floor((s1 * adj) / TWO32)) + 1;
  return ya <= yTop && yb >= yBase;
}

/**
 * Prepares the outline edges of layer l (as k) for rows [r0, r1], columns [c0, c1]: one y-major
 * edge is walked row by row when it is the first or the last relevant edge in drawing order
 * (wAfter), the others are bucketed into the row slots.
 */
function setupEdges(ls: Layers, k: number, l: number, c0: number, c1: number, r0: number, r1: number): boolean {
  wYq[k] = -1;
  wSlots[k] = 0;
  wAfter[k] = 0;
  if (ls.kind[l] !== LAYER_GFX) return true;
  const eEnd = ls.edgeStart[l] + ls.edgeCount[l];
  const eXa = ls.eXa;
  const eXb = ls.eXb;
  const eR0 = ls.eR0;
  const eR1 = ls.eR1;
  const nr = r1 - r0 + 1;
  for (let q = ls.edgeStart[l]; q < eEnd; q++) {
    if (eXb[q] < c0 || eXa[q] > c1 || eR1[q] < r0 || eR0[q] > r1) continue;
    const type = ls.eType[q];
    if (type === 0) continue;
    if (type === 3 && !yMajorReaches(ls, q, c0, c1, WINDOW_H - 1 - r1, WINDOW_H - 1 - r0)) continue;
    if (type === 4 && !xMajorReaches(ls, q, c0, c1, WINDOW_H - 1 - r1, WINDOW_H - 1 - r0)) continue;
    if (type === 3 && wYq[k] < 0) {
      // walked: before the slot pixels if no relevant edge came earlier, else after them (as
      // long as no relevant edge comes later)
      wYq[k] = q;
      wAfter[k] = wSlots[k] !== 0 ? 1 : 0;
      const yy0 = ls.eYY0[q];
      wYY0[k] = yy0;
      wDY[k] = ls.eDY[q];
      wX1[k] = ls.eX1[q];
      wY1[k] = ls.eY1[q];
      wXX0[k] = ls.eXX0[q];
      wXdir[k] = ls.eXdir[q];
      const adj = ls.eAdj[q];
      wAdj[k] = adj;
      let kk = WINDOW_H - 1 - r1 - yy0;
      if (kk < 1) kk = 1;
      const prod = kk * adj;
      const wraps = Math.floor(prod / TWO32);
      wWraps[k] = wraps;
      wAcc[k] = prod - wraps * TWO32;
      wKk[k] = kk;
      continue;
    }
    if (wSlots[k] === 0) {
      slotN.fill(0, k * MAXR, k * MAXR + nr);
      wSlots[k] = 1;
    }
    if (wYq[k] >= 0 && wAfter[k] !== 0) {
      // the walked edge is not the last one after all: its pixels join the slots first
      if (!slotEdge(ls, wYq[k], k, c0, c1, r0, r1)) return false;
      wYq[k] = -1;
      wAfter[k] = 0;
    }
    if (type === 4) {
      // x-major: bucket its pixels by row directly (same pixels and order as edgePixelsInBox)
      if (!slotXMajor(ls, q, k * MAXR, c0, c1, WINDOW_H - 1 - r1, WINDOW_H - 1 - r0)) return false;
      continue;
    }
    if (!slotEdge(ls, q, k, c0, c1, r0, r1)) return false;
  }
  return true;
}

/** Appends the pixels of outline edge q in the cell to the row slots of layer k (false: overflow). */
function slotEdge(ls: Layers, q: number, k: number, c0: number, c1: number, r0: number, r1: number): boolean {
  const ra = ls.eR0[q] > r0 ? ls.eR0[q] : r0;
  const rb = ls.eR1[q] < r1 ? ls.eR1[q] : r1;
  const m = edgePixelsInBox(ls, q, c0, c1, ra, rb, tmpX, tmpT, tmpA, 0);
  for (let p = 0; p < m; p++) {
    const t = k * MAXR + tmpT[p] - r0;
    const n = slotN[t];
    if (n >= 16) return false;
    slotX[t * 16 + n] = tmpX[p];
    slotA[t * 16 + n] = tmpA[p];
    slotN[t] = n + 1;
  }
  return true;
}

/**
 * Appends the pixels of x-major edge q in columns [c0, c1] and pre-flip rows [yBase, yTop] to
 * the slots of post-flip rows (slot row t = sb + (yTop - y), i.e. r - r0), in drawing order.
 * False when a slot row overflows.
 */
function slotXMajor(ls: Layers, q: number, sb: number, c0: number, c1: number, yBase: number, yTop: number): boolean {
  const xx0 = ls.eXX0[q];
  const dx = ls.eDX[q];
  const xdir = ls.eXdir[q];
  const adj = ls.eAdj[q];
  let s0 = xdir > 0 ? c0 - xx0 : xx0 - c1;
  let s1 = xdir > 0 ? c1 - xx0 : xx0 - c0;
  if (s0 < 1) s0 = 1;
  if (s1 > dx - 1) s1 = dx - 1;
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) {
    const t = sb + yTop - Y1;
    const n = slotN[t];
    if (n >= 16) return false;
    slotX[t * 16 + n] = X1;
    slotA[t * 16 + n] = 255;
    slotN[t] = n + 1;
  }
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
  const yy0 = ls.eYY0[q];
  for (let st = s0; st <= s1; st++) {
    const x = xx0 + xdir * st;
    const y = yy0 + wraps;
    const w = acc >>> 24;
    const a1 = (255 * (255 - w)) >> 8;
    if (a1 !== 0 && y >= yBase && y <= yTop) {
      const t = sb + yTop - y;
      const n = slotN[t];
      if (n >= 16) return false;
      slotX[t * 16 + n] = x;
      slotA[t * 16 + n] = a1;
      slotN[t] = n + 1;
    }
    const a2 = (255 * w) >> 8;
    if (a2 !== 0 && y + 1 >= yBase && y + 1 <= yTop) {
      const t = sb + yTop - y - 1;
      const n = slotN[t];
      if (n >= 16) return false;
      slotX[t * 16 + n] = x;
      slotA[t * 16 + n] = a2;
      slotN[t] = n + 1;
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

/**
 * Outline pixels of layer k on row r in [c0, c1] outside its own span [a, b], in drawing
 * order, appended to survX/survA from index nsv. Advances the y-major walker (rows must be
 * visited bottom-up).
 */
function survivors(
  k: number,
  r: number,
  r0: number,
  a: number,
  b: number,
  c0: number,
  c1: number,
  nsv: number,
): number {
  const after = wAfter[k] !== 0;
  if (!after) nsv = walkedSurvivors(k, r, a, b, c0, c1, nsv);
  if (wSlots[k] !== 0) {
    const t = k * MAXR + r - r0;
    const end = t * 16 + slotN[t];
    for (let p = t * 16; p < end; p++) {
      const x = slotX[p];
      if (x >= a && x <= b) continue;
      survX[nsv] = x;
      survA[nsv++] = slotA[p];
    }
  }
  if (after) nsv = walkedSurvivors(k, r, a, b, c0, c1, nsv);
  return nsv;
}

/** The walked y-major edge's part of survivors (none if layer k has no walked edge). */
function walkedSurvivors(k: number, r: number, a: number, b: number, c0: number, c1: number, nsv: number): number {
  if (wYq[k] < 0) return nsv;
  const y = WINDOW_H - 1 - r;
  const x1 = wX1[k];
  if (y === wY1[k] && x1 >= c0 && x1 <= c1 && (x1 < a || x1 > b)) {
    survX[nsv] = x1;
    survA[nsv++] = 255;
  }
  const kk = y - wYY0[k];
  if (kk >= 1 && kk < wDY[k]) {
    let kkCur = wKk[k];
    if (kkCur < kk) {
      let acc = wAcc[k];
      let wraps = wWraps[k];
      const adj = wAdj[k];
      while (kkCur < kk) {
        acc += adj;
        if (acc >= TWO32) {
          acc -= TWO32;
          wraps++;
        }
        kkCur++;
      }
      wAcc[k] = acc;
      wWraps[k] = wraps;
      wKk[k] = kkCur;
    }
    const xdir = wXdir[k];
    const x = wXX0[k] + xdir * wWraps[k];
    const w = wAcc[k] >>> 24;
    if (w < 254 && x >= c0 && x <= c1 && (x < a || x > b)) {
      survX[nsv] = x;
      survA[nsv++] = (255 * (255 - w)) >> 8;
    }
    const x2 = x + xdir;
    if (w > 1 && x2 >= c0 && x2 <= c1 && (x2 < a || x2 > b)) {
      survX[nsv] = x2;
      survA[nsv++] = (255 * w) >> 8;
    }
  }
  return nsv;
}

// Per-row geometry of a fused cell (rows indexed bottom-up is not needed: t = r - r0).
const rowMode = new Int32Array(MAXR); // 0: uniform, 1: runs, 2: pixels
const rowUnder = new Int32Array(MAXR); // 0 base, 1 layer 0, 2 layer 1 (uniform value / runs background)
const rowTop = new Int32Array(MAXR); // runs: the layer painting over (1 layer 0, 2 layer 1)
const rowA = new Int32Array(MAXR * 2);
const rowB = new Int32Array(MAXR * 2);
const rowS0 = new Int32Array(MAXR * 2 + 1); // survivors of (t, k) in survX/survA: [rowS0[t*2+k], rowS1[..])
const rowS1 = new Int32Array(MAXR * 2 + 1);
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

// ----- lean evaluator: one layer over a uniform base -----

/** x-major outline pixels of the cell, bucketed by row (16 per row). */
const bN = new Int32Array(MAXR);
const bX = new Int32Array(MAXR * 16);
const bA = new Int32Array(MAXR * 16);
const rowFx = new Int32Array(64);
const rowFa = new Int32Array(64);

/**
 * Cell (i, j) whose list is the single non-text layer l over base colour B, with nCls channel
 * classes (values in clsB / clsP0). Writes the Y sums to clsSum. Returns false (nothing usable)
 * in the rare layouts it does not handle: several spans on a row, an outline pixel hit twice
 * on a row, more than one y-major or two x-major outline edges, or an outline edge of another
 * kind reaching the cell.
 */
function evalA(ls: Layers, i: number, j: number, l: number, nCls: number): boolean {
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  const lo = ls.rowLo[l];
  const hi = ls.rowHi[l];
  const eb = ls.base[l] - lo;
  // outline edges reaching the cell; x-major pixels bucketed by pre-flip row (y - yBase)
  let yq = -1;
  let xmEdges = 0;
  let seenX = false;
  const yBase = WINDOW_H - 1 - r1;
  const yTop = WINDOW_H - 1 - r0;
  if (ls.kind[l] === LAYER_GFX) {
    const eEnd = ls.edgeStart[l] + ls.edgeCount[l];
    for (let q = ls.edgeStart[l]; q < eEnd; q++) {
      if (ls.eXb[q] < c0 || ls.eXa[q] > c1 || ls.eR1[q] < r0 || ls.eR0[q] > r1) continue;
      const type = ls.eType[q];
      if (type === 0) continue;
      if (type === 3 && !yMajorReaches(ls, q, c0, c1, yBase, yTop)) continue;
      if (type === 4 && !xMajorReaches(ls, q, c0, c1, yBase, yTop)) continue;
      if (type === 3) {
        // one y-major edge, drawn before the x-major ones (pixel order within a column)
        if (yq >= 0 || seenX) return false;
        yq = q;
      } else if (type === 4) {
        if (++xmEdges > 2) return false;
        if (!seenX) bN.fill(0, 0, yTop - yBase + 1);
        seenX = true;
        // steps with x in [c0, c1]; first end point handled separately below.
        // This is bucketXMajor inlined on purpose: calling it here instead measured 1208 vs 699 us
        // per zoomed-in v3 observation (npm run bench:render), V8 does not inline it into evalA.
        const xx0 = ls.eXX0[q];
        const dx = ls.eDX[q];
        const xdir = ls.eXdir[q];
        const adj = ls.eAdj[q];
        let s0 = xdir > 0 ? c0 - xx0 : xx0 - c1;
        let s1 = xdir > 0 ? c1 - xx0 : xx0 - c0;
        if (s0 < 1) s0 = 1;
        if (s1 > dx - 1) s1 = dx - 1;
        const X1 = ls.eX1[q];
        const Y1 = ls.eY1[q];
        if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) {
          // first end point: full colour
          const t = Y1 - yBase;
          const n = bN[t];
          if (n >= 16) return false;
          bX[t * 16 + n] = X1;
          bA[t * 16 + n] = 255;
          bN[t] = n + 1;
        }
        if (s0 <= s1) {
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
          const yy0 = ls.eYY0[q];
          for (let st = s0; st <= s1; st++) {
            const x = xx0 + xdir * st;
            const y = yy0 + wraps;
            const w = acc >>> 24;
            const a1 = (255 * (255 - w)) >> 8;
            if (a1 !== 0 && y >= yBase && y <= yTop) {
              const t = y - yBase;
              const n = bN[t];
              if (n >= 16) return false;
              bX[t * 16 + n] = x;
              bA[t * 16 + n] = a1;
              bN[t] = n + 1;
            }
            const a2 = (255 * w) >> 8;
            if (a2 !== 0 && y + 1 >= yBase && y + 1 <= yTop) {
              const t = y + 1 - yBase;
              const n = bN[t];
              if (n >= 16) return false;
              bX[t * 16 + n] = x;
              bA[t * 16 + n] = a2;
              bN[t] = n + 1;
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
        }
      } else {
        return false;
      }
    }
  }
  // y-major walker
  let yy0 = 0;
  let ydy = 0;
  let yX1 = -100000;
  let yY1 = -100000;
  let yxx0 = 0;
  let yxdir = 0;
  let yadj = 0;
  let wraps = 0;
  let acc = 0;
  let kkCur = 0;
  if (yq >= 0) {
    yy0 = ls.eYY0[yq];
    ydy = ls.eDY[yq];
    yX1 = ls.eX1[yq];
    yY1 = ls.eY1[yq];
    yxx0 = ls.eXX0[yq];
    yxdir = ls.eXdir[yq];
    yadj = ls.eAdj[yq];
    let kk = WINDOW_H - 1 - r1 - yy0;
    if (kk < 1) kk = 1;
    const prod = kk * yadj;
    wraps = Math.floor(prod / TWO32);
    acc = prod - wraps * TWO32;
    kkCur = kk;
  }
  const jT = j * 256;
  const wo = j * 16;
  const wl = c1 - c0;
  const bv0 = clsB[0];
  const pv0 = clsP0[0];
  const bv1 = nCls > 1 ? clsB[1] : 0;
  const pv1 = nCls > 1 ? clsP0[1] : 0;
  const bv2 = nCls > 2 ? clsB[2] : 0;
  const pv2 = nCls > 2 ? clsP0[2] : 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  const hiRow = Y_HAS_HI[i] !== 0 ? r0 : -1;
  const loRow = Y_HAS_LO[i] !== 0 ? r1 : -1;
  const hiT = (i - 1) * 256;
  const loT = i * 256;
  for (let r = r1; r >= r0; r--) {
    let a = 1;
    let b = 0;
    let nf = 0;
    if (r >= lo && r <= hi) {
      const e = eb + r;
      const ns = nSpans[e];
      if (ns === 1) {
        a = spanA[e * MAX_SPANS];
        b = spanB[e * MAX_SPANS];
      } else if (ns > 1) {
        return false;
      }
      const y = WINDOW_H - 1 - r;
      let mask = 0;
      if (yq >= 0) {
        if (y === yY1 && yX1 >= c0 && yX1 <= c1 && (yX1 < a || yX1 > b)) {
          rowFx[nf] = yX1;
          rowFa[nf++] = 255;
          mask |= 1 << (yX1 - c0);
        }
        const kk = y - yy0;
        if (kk >= 1 && kk < ydy) {
          while (kkCur < kk) {
            acc += yadj;
            if (acc >= TWO32) {
              acc -= TWO32;
              wraps++;
            }
            kkCur++;
          }
          const x = yxx0 + yxdir * wraps;
          const w = acc >>> 24;
          if (w < 254 && x >= c0 && x <= c1 && (x < a || x > b)) {
            const bit = 1 << (x - c0);
            if (mask & bit) return false;
            mask |= bit;
            rowFx[nf] = x;
            rowFa[nf++] = (255 * (255 - w)) >> 8;
          }
          const x2 = x + yxdir;
          if (w > 1 && x2 >= c0 && x2 <= c1 && (x2 < a || x2 > b)) {
            const bit = 1 << (x2 - c0);
            if (mask & bit) return false;
            mask |= bit;
            rowFx[nf] = x2;
            rowFa[nf++] = (255 * w) >> 8;
          }
        }
      }
      if (seenX) {
        const t = y - yBase;
        const end = t * 16 + bN[t];
        for (let p = t * 16; p < end; p++) {
          const x = bX[p];
          if (x >= a && x <= b) continue;
          const bit = 1 << (x - c0);
          if (mask & bit) return false;
          mask |= bit;
          rowFx[nf] = x;
          rowFa[nf++] = bA[p];
        }
      }
    }
    const ca = a < c0 ? c0 : a;
    const cb = b > c1 ? c1 : b;
    let x0: number;
    let x1 = 0;
    let x2 = 0;
    if (nf === 0 && (ca > cb || (ca === c0 && cb === c1))) {
      const none = ca > cb;
      x0 = UX[jT + (none ? bv0 : pv0)];
      if (nCls > 1) x1 = UX[jT + (none ? bv1 : pv1)];
      if (nCls > 2) x2 = UX[jT + (none ? bv2 : pv2)];
    } else {
      x0 = runRowX(jT, wo, wl, c0, c1, ca, cb, nf, bv0, pv0);
      if (nCls > 1) x1 = runRowX(jT, wo, wl, c0, c1, ca, cb, nf, bv1, pv1);
      if (nCls > 2) x2 = runRowX(jT, wo, wl, c0, c1, ca, cb, nf, bv2, pv2);
    }
    if (r === hiRow) {
      s0 += YHI_T[hiT + x0];
      s1 += YHI_T[hiT + x1];
      s2 += YHI_T[hiT + x2];
    } else if (r === loRow) {
      s0 += YLO_T[loT + x0];
      s1 += YLO_T[loT + x1];
      s2 += YLO_T[loT + x2];
    } else {
      s0 += x0;
      s1 += x1;
      s2 += x2;
    }
  }
  clsSum[0] = s0;
  clsSum[1] = s1;
  clsSum[2] = s2;
  return true;
}

/**
 * evalA for a single channel class (values bv, pv): the hot path of a zoomed-in frame. Same
 * contract as evalA; returns the Y sum, or -1 when the general path is needed.
 */
function evalA1(ls: Layers, i: number, j: number, l: number, bv: number, pv: number): number {
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  const lo = ls.rowLo[l];
  const hi = ls.rowHi[l];
  const eb = ls.base[l] - lo;
  const yBase = WINDOW_H - 1 - r1;
  const yTop = WINDOW_H - 1 - r0;
  let yq = -1;
  let seenX = false;
  if (ls.kind[l] === LAYER_GFX) {
    const e0 = ls.edgeStart[l];
    const e1 = e0 + ls.edgeCount[l];
    const eXa = ls.eXa;
    const eXb = ls.eXb;
    const eR0 = ls.eR0;
    const eR1 = ls.eR1;
    const eType = ls.eType;
    let xmEdges = 0;
    for (let q = e0; q < e1; q++) {
      if (eXb[q] < c0 || eXa[q] > c1 || eR1[q] < r0 || eR0[q] > r1) continue;
      const type = eType[q];
      if (type === 3) {
        if (!yMajorReaches(ls, q, c0, c1, yBase, yTop)) continue;
        if (yq >= 0 || seenX) return -1;
        yq = q;
      } else if (type === 4) {
        if (!xMajorReaches(ls, q, c0, c1, yBase, yTop)) continue;
        if (++xmEdges > 2) return -1;
        if (!seenX) {
          for (let t = yTop - yBase; t >= 0; t--) bN[t] = 0;
          seenX = true;
        }
        if (!bucketXMajor(ls, q, c0, c1, yBase, yTop)) return -1;
      } else if (type !== 0) {
        return -1;
      }
    }
  }
  let yy0 = 0;
  let ydy = 0;
  let yX1 = -100000;
  let yY1 = -100000;
  let yxx0 = 0;
  let yxdir = 0;
  let yadj = 0;
  let wraps = 0;
  let acc = 0;
  let kkCur = 0;
  if (yq >= 0) {
    yy0 = ls.eYY0[yq];
    ydy = ls.eDY[yq];
    yX1 = ls.eX1[yq];
    yY1 = ls.eY1[yq];
    yxx0 = ls.eXX0[yq];
    yxdir = ls.eXdir[yq];
    yadj = ls.eAdj[yq];
    let kk = yBase - yy0;
    if (kk < 1) kk = 1;
    const prod = kk * yadj;
    wraps = Math.floor(prod / TWO32);
    acc = prod - wraps * TWO32;
    kkCur = kk;
  }
  const jT = j * 256;
  const wo = j * 16;
  const d = pv - bv;
  const usB = US[jT + bv];
  const uxB = UX[jT + bv];
  const uxP = UX[jT + pv];
  const offFirst = WOFF[wo];
  const offLast = WOFF[wo + (c1 - c0)];
  const eFirst = WT[offFirst + pv] - WT[offFirst + bv] - d;
  const eLast = WT[offLast + pv] - WT[offLast + bv] - d;
  const hiRow = Y_HAS_HI[i] !== 0 ? r0 : -1;
  const loRow = Y_HAS_LO[i] !== 0 ? r1 : -1;
  const hiT = (i - 1) * 256;
  const loT = i * 256;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  let ysum = 0;
  for (let r = r1; r >= r0; r--) {
    let xv = uxB;
    if (r >= lo && r <= hi) {
      const e = eb + r;
      const ns = nSpans[e];
      let a = 1;
      let b = 0;
      if (ns === 1) {
        a = spanA[e * MAX_SPANS];
        b = spanB[e * MAX_SPANS];
      } else if (ns > 1) {
        return -1;
      }
      const ca = a < c0 ? c0 : a;
      const cb = b > c1 ? c1 : b;
      let sum = usB;
      let mixed = false;
      if (ca <= cb) {
        if (ca === c0 && cb === c1) {
          xv = uxP;
        } else {
          mixed = true;
          sum += d * (cb - ca + 1);
          if (ca === c0) sum += eFirst;
          if (cb === c1) sum += eLast;
        }
      }
      // outline pixels outside the span, blended over bv
      const y = WINDOW_H - 1 - r;
      let mask = 0;
      if (yq >= 0) {
        if (y === yY1 && yX1 >= c0 && yX1 <= c1 && (yX1 < a || yX1 > b)) {
          mask = 1 << (yX1 - c0);
          const off = WOFF[wo + yX1 - c0];
          sum += WT[off + pv] - WT[off + bv];
          mixed = true;
        }
        const kk = y - yy0;
        if (kk >= 1 && kk < ydy) {
          while (kkCur < kk) {
            acc += yadj;
            if (acc >= TWO32) {
              acc -= TWO32;
              wraps++;
            }
            kkCur++;
          }
          const x = yxx0 + yxdir * wraps;
          const w = acc >>> 24;
          if (w < 254 && x >= c0 && x <= c1 && (x < a || x > b)) {
            const bit = 1 << (x - c0);
            if (mask & bit) return -1;
            mask |= bit;
            const fv = bv + ((d * ((255 * (255 - w)) >> 8)) >> 8);
            const off = WOFF[wo + x - c0];
            sum += WT[off + fv] - WT[off + bv];
            mixed = true;
          }
          const x2 = x + yxdir;
          if (w > 1 && x2 >= c0 && x2 <= c1 && (x2 < a || x2 > b)) {
            const bit = 1 << (x2 - c0);
            if (mask & bit) return -1;
            mask |= bit;
            const fv = bv + ((d * ((255 * w) >> 8)) >> 8);
            const off = WOFF[wo + x2 - c0];
            sum += WT[off + fv] - WT[off + bv];
            mixed = true;
          }
        }
      }
      if (seenX) {
        const t = y - yBase;
        const end = t * 16 + bN[t];
        for (let p = t * 16; p < end; p++) {
          const x = bX[p];
          if (x >= a && x <= b) continue;
          const bit = 1 << (x - c0);
          if (mask & bit) return -1;
          mask |= bit;
          const al = bA[p];
          const fv = al === 255 ? pv : bv + ((d * al) >> 8);
          const off = WOFF[wo + x - c0];
          sum += WT[off + fv] - WT[off + bv];
          mixed = true;
        }
      }
      if (mixed) xv = XOUT[sum];
    }
    if (r === hiRow) ysum += YHI_T[hiT + xv];
    else if (r === loRow) ysum += YLO_T[loT + xv];
    else ysum += xv;
  }
  return ysum;
}

/** Buckets the pixels of x-major edge q in columns [c0, c1] by pre-flip row (bN/bX/bA). */
function bucketXMajor(ls: Layers, q: number, c0: number, c1: number, yBase: number, yTop: number): boolean {
  const xx0 = ls.eXX0[q];
  const dx = ls.eDX[q];
  const xdir = ls.eXdir[q];
  const adj = ls.eAdj[q];
  let s0 = xdir > 0 ? c0 - xx0 : xx0 - c1;
  let s1 = xdir > 0 ? c1 - xx0 : xx0 - c0;
  if (s0 < 1) s0 = 1;
  if (s1 > dx - 1) s1 = dx - 1;
  const X1 = ls.eX1[q];
  const Y1 = ls.eY1[q];
  if (X1 >= c0 && X1 <= c1 && Y1 >= yBase && Y1 <= yTop) {
    const t = Y1 - yBase;
    const n = bN[t];
    if (n >= 16) return false;
    bX[t * 16 + n] = X1;
    bA[t * 16 + n] = 255;
    bN[t] = n + 1;
  }
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
  const yy0 = ls.eYY0[q];
  for (let st = s0; st <= s1; st++) {
    const x = xx0 + xdir * st;
    const y = yy0 + wraps;
    const w = acc >>> 24;
    const a1 = (255 * (255 - w)) >> 8;
    if (a1 !== 0 && y >= yBase && y <= yTop) {
      const t = y - yBase;
      const n = bN[t];
      if (n >= 16) return false;
      bX[t * 16 + n] = x;
      bA[t * 16 + n] = a1;
      bN[t] = n + 1;
    }
    const a2 = (255 * w) >> 8;
    if (a2 !== 0 && y + 1 >= yBase && y + 1 <= yTop) {
      const t = y + 1 - yBase;
      const n = bN[t];
      if (n >= 16) return false;
      bX[t * 16 + n] = x;
      bA[t * 16 + n] = a2;
      bN[t] = n + 1;
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

/** X value of a row: bv, with pv on [ca, cb] (clipped; empty if ca > cb) and the nf outline pixels. */
function runRowX(
  jT: number,
  wo: number,
  wl: number,
  c0: number,
  c1: number,
  ca: number,
  cb: number,
  nf: number,
  bv: number,
  pv: number,
): number {
  let sum = US[jT + bv];
  const d = pv - bv;
  if (ca <= cb) {
    sum += d * (cb - ca + 1);
    if (ca === c0) {
      const off = WOFF[wo];
      sum += WT[off + pv] - WT[off + bv] - d;
    }
    if (cb === c1) {
      const off = WOFF[wo + wl];
      sum += WT[off + pv] - WT[off + bv] - d;
    }
  }
  for (let p = 0; p < nf; p++) {
    const al = rowFa[p];
    const fv = al === 255 ? pv : bv + ((d * al) >> 8);
    const off = WOFF[wo + rowFx[p] - c0];
    sum += WT[off + fv] - WT[off + bv];
  }
  return XOUT[sum];
}

/**
 * Geometry pass of a fused cell: per row, the spans of the one or two layers, their outline
 * pixels that survive, and how the row is made (uniform, one layer over a uniform row, or
 * pixel by pixel). Returns false when the general path is needed.
 */
function fusedGeometry(ls: Layers, i: number, j: number, n: number, l0: number, l1: number): boolean {
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  if (!setupEdges(ls, 0, l0, c0, c1, r0, r1)) return false;
  if (n > 1 && !setupEdges(ls, 1, l1, c0, c1, r0, r1)) return false;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  const lo0 = ls.rowLo[l0];
  const hi0 = ls.rowHi[l0];
  const eb0 = ls.base[l0] - lo0;
  const lo1 = n > 1 ? ls.rowLo[l1] : 1;
  const hi1 = n > 1 ? ls.rowHi[l1] : 0;
  const eb1 = n > 1 ? ls.base[l1] - lo1 : 0;
  let ns = 0;
  for (let r = r1; r >= r0; r--) {
    const t = r - r0;
    // layer 1 (top)
    let a1 = 1;
    let b1 = 0;
    let st1 = 0; // 0 none, 1 covers, 2 partial span
    const in1 = r >= lo1 && r <= hi1;
    if (in1) {
      const e = eb1 + r;
      const k = nSpans[e];
      if (k > 1) return false;
      if (k === 1) {
        a1 = spanA[e * MAX_SPANS];
        b1 = spanB[e * MAX_SPANS];
        if (a1 <= c0 && b1 >= c1) st1 = 1;
        else if (a1 <= c1 && b1 >= c0) st1 = 2;
      }
    }
    rowS0[t * 2 + 1] = ns;
    if (in1 && st1 !== 1) ns = survivors(1, r, r0, a1, b1, c0, c1, ns);
    rowS1[t * 2 + 1] = ns;
    rowA[t * 2 + 1] = a1;
    rowB[t * 2 + 1] = b1;
    if (st1 === 1) {
      rowMode[t] = 0;
      rowUnder[t] = 2;
      continue;
    }
    const top = st1 === 2 || rowS1[t * 2 + 1] > rowS0[t * 2 + 1];
    // layer 0
    let a0 = 1;
    let b0 = 0;
    let st0 = 0;
    const in0 = r >= lo0 && r <= hi0;
    if (in0) {
      const e = eb0 + r;
      const k = nSpans[e];
      if (k > 1) return false;
      if (k === 1) {
        a0 = spanA[e * MAX_SPANS];
        b0 = spanB[e * MAX_SPANS];
        if (a0 <= c0 && b0 >= c1) st0 = 1;
        else if (a0 <= c1 && b0 >= c0) st0 = 2;
      }
    }
    rowS0[t * 2] = ns;
    if (in0 && st0 !== 1) ns = survivors(0, r, r0, a0, b0, c0, c1, ns);
    rowS1[t * 2] = ns;
    rowA[t * 2] = a0;
    rowB[t * 2] = b0;
    const has0 = st0 === 2 || rowS1[t * 2] > rowS0[t * 2];
    if (!top) {
      if (has0) {
        rowMode[t] = 1;
        rowUnder[t] = 0;
        rowTop[t] = 1;
      } else {
        rowMode[t] = 0;
        rowUnder[t] = st0 === 1 ? 1 : 0;
      }
    } else if (!has0) {
      rowMode[t] = 1;
      rowUnder[t] = st0 === 1 ? 1 : 0;
      rowTop[t] = 2;
    } else {
      rowMode[t] = 2;
    }
  }
  return true;
}

/**
 * X-sum change of a row of bin j when columns [ca, cb] (clipped to [c0, c1]; empty if ca > cb)
 * turn from value u to value v; offFirst / offLast: WOFF of the bin's first and last column.
 */
function runDelta(
  offFirst: number,
  offLast: number,
  c0: number,
  c1: number,
  ca: number,
  cb: number,
  v: number,
  u: number,
): number {
  if (ca > cb || v === u) return 0;
  const d = v - u;
  let s = d * (cb - ca + 1);
  if (ca === c0) s += WT[offFirst + v] - WT[offFirst + u] - d;
  if (cb === c1) s += WT[offLast + v] - WT[offLast + u] - d;
  return s;
}

/**
 * Y-pass sum of one channel class of a fused cell (after fusedGeometry): values bv (base),
 * p0v (layer 0), p1v (layer 1).
 */
function fusedClass(i: number, j: number, bv: number, p0v: number, p1v: number): number {
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  const jT = j * 256;
  const wo = j * 16;
  const w = c1 - c0;
  const offFirst = WOFF[wo];
  const offLast = WOFF[wo + w];
  let ysum = 0;
  for (let r = r0; r <= r1; r++) {
    const t = r - r0;
    const mode = rowMode[t];
    let xv: number;
    if (mode === 0) {
      const u = rowUnder[t];
      xv = UX[jT + (u === 0 ? bv : u === 1 ? p0v : p1v)];
    } else if (mode === 1) {
      const u = rowUnder[t];
      const uv = u === 0 ? bv : u === 1 ? p0v : p1v;
      const k = rowTop[t] - 1;
      const pv = k === 0 ? p0v : p1v;
      let sum = US[jT + uv];
      if (pv !== uv) {
        const a = rowA[t * 2 + k];
        const b = rowB[t * 2 + k];
        const ca = a < c0 ? c0 : a;
        const cb = b > c1 ? c1 : b;
        if (ca <= cb) {
          sum += (pv - uv) * (cb - ca + 1);
          if (ca === c0) sum += WT[offFirst + pv] - WT[offFirst + uv] - (pv - uv);
          if (cb === c1) sum += WT[offLast + pv] - WT[offLast + uv] - (pv - uv);
        }
        const s0 = rowS0[t * 2 + k];
        const s1 = rowS1[t * 2 + k];
        if (s1 > s0) {
          if (++stampNow > 0x3fffffff) {
            colStamp.fill(0);
            stampNow = 1;
          }
          let nt = 0;
          for (let p = s0; p < s1; p++) {
            const xi = survX[p] - c0;
            if (colStamp[xi] !== stampNow) {
              colStamp[xi] = stampNow;
              colVal[xi] = uv;
              touched[nt++] = xi;
            }
            const al = survA[p];
            const v = colVal[xi];
            colVal[xi] = al === 255 ? pv : v + (((pv - v) * al) >> 8);
          }
          for (let p = 0; p < nt; p++) {
            const xi = touched[p];
            const off = WOFF[wo + xi];
            sum += WT[off + colVal[xi]] - WT[off + uv];
          }
        }
      }
      xv = XOUT[sum];
    } else {
      // both layers partly on the row: the spans as runs over bv (layer 1's over layer 0's),
      // then the outline pixels as per-column corrections. The same integer sum as painting
      // the row pixel by pixel, summed in another order.
      const a0 = rowA[t * 2];
      const b0 = rowB[t * 2];
      const a1 = rowA[t * 2 + 1];
      const b1 = rowB[t * 2 + 1];
      const ca0 = a0 < c0 ? c0 : a0;
      const cb0 = b0 > c1 ? c1 : b0;
      const ca1 = a1 < c0 ? c0 : a1;
      const cb1 = b1 > c1 ? c1 : b1;
      let sum = US[jT + bv] + runDelta(offFirst, offLast, c0, c1, ca0, cb0, p0v, bv);
      sum += runDelta(offFirst, offLast, c0, c1, ca1, cb1, p1v, bv);
      // the part of layer 0's run under layer 1's was counted twice
      sum -= runDelta(offFirst, offLast, c0, c1, ca0 > ca1 ? ca0 : ca1, cb0 < cb1 ? cb0 : cb1, p0v, bv);
      const s00 = rowS0[t * 2];
      const s01 = rowS1[t * 2];
      const s10 = rowS0[t * 2 + 1];
      const s11 = rowS1[t * 2 + 1];
      if (s01 > s00 || s11 > s10) {
        if (++stampNow > 0x3fffffff) {
          colStamp.fill(0);
          stampNow = 1;
        }
        let nt = 0;
        // layer 0's outline pixels (outside its span) over bv; those under layer 1's span vanish
        for (let p = s00; p < s01; p++) {
          const x = survX[p];
          if (x >= a1 && x <= b1) continue;
          const xi = x - c0;
          if (colStamp[xi] !== stampNow) {
            colStamp[xi] = stampNow;
            colVal[xi] = bv;
            touched[nt++] = xi;
          }
          const al = survA[p];
          const v = colVal[xi];
          colVal[xi] = al === 255 ? p0v : v + (((p0v - v) * al) >> 8);
        }
        // layer 1's outline pixels (outside its span) over whatever layer 0 left there
        for (let p = s10; p < s11; p++) {
          const x = survX[p];
          const xi = x - c0;
          if (colStamp[xi] !== stampNow) {
            colStamp[xi] = stampNow;
            colVal[xi] = x >= a0 && x <= b0 ? p0v : bv;
            touched[nt++] = xi;
          }
          const al = survA[p];
          const v = colVal[xi];
          colVal[xi] = al === 255 ? p1v : v + (((p1v - v) * al) >> 8);
        }
        // touched columns are outside layer 1's span: the runs assumed p0v or bv there
        for (let p = 0; p < nt; p++) {
          const xi = touched[p];
          const x = xi + c0;
          const off = WOFF[wo + xi];
          sum += WT[off + colVal[xi]] - WT[off + (x >= a0 && x <= b0 ? p0v : bv)];
        }
      }
      xv = XOUT[sum];
    }
    if (t === 0 && Y_HAS_HI[i]) ysum += YHI_T[(i - 1) * 256 + xv];
    else if (r === r1 && Y_HAS_LO[i]) ysum += YLO_T[i * 256 + xv];
    else ysum += xv;
  }
  return ysum;
}

/**
 * Fast entry for a cell whose list is the single non-text layer l (no overflow) over base colour
 * B: the channel-class test of evaluateCell inlined for the common single-class case. Returns
 * false (nothing written) when evaluateCell must handle the cell.
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
  let bv = -1;
  let pv = -1;
  if (br !== pr) {
    bv = br;
    pv = pr;
  }
  if (bg !== pg) {
    if (bv < 0) {
      bv = bg;
      pv = pg;
    } else if (bv !== bg || pv !== pg) {
      return evaluateSingleClasses(ls, i, j, l, B, P, out, o);
    }
  }
  if (bb !== pb) {
    if (bv < 0) {
      bv = bb;
      pv = pb;
    } else if (bv !== bb || pv !== pb) {
      return evaluateSingleClasses(ls, i, j, l, B, P, out, o);
    }
  }
  if (bv < 0) {
    out[o] = UNIFORM[br];
    out[o + 1] = UNIFORM[bg];
    out[o + 2] = UNIFORM[bb];
    return true;
  }
  const sum = evalA1(ls, i, j, l, bv, pv);
  if (sum < 0) return false;
  const v = YOUT[sum];
  out[o] = br !== pr ? v : UNIFORM[br];
  out[o + 1] = bg !== pg ? v : UNIFORM[bg];
  out[o + 2] = bb !== pb ? v : UNIFORM[bb];
  return true;
}

/**
 * evaluateSingle with two or three channel classes: evalA straight away (what evaluateCell
 * would do for this cell after the same class test). False when evaluateCell must handle it.
 */
function evaluateSingleClasses(
  ls: Layers,
  i: number,
  j: number,
  l: number,
  B: number,
  P: number,
  out: Uint8Array,
  o: number,
): boolean {
  let nCls = 0;
  for (let ch = 0; ch < 3; ch++) {
    const sh = 16 - 8 * ch;
    const b = (B >> sh) & 255;
    const p = (P >> sh) & 255;
    if (b === p) {
      chCls[ch] = -1;
      continue;
    }
    let found = -1;
    for (let c = 0; c < nCls; c++) if (clsB[c] === b && clsP0[c] === p) found = c;
    if (found < 0) {
      found = nCls++;
      clsB[found] = b;
      clsP0[found] = p;
    }
    chCls[ch] = found;
  }
  if (!evalA(ls, i, j, l, nCls)) return false;
  for (let ch = 0; ch < 3; ch++) {
    const cl = chCls[ch];
    out[o + ch] = cl < 0 ? UNIFORM[(B >> (16 - 8 * ch)) & 255] : YOUT[clsSum[cl]];
  }
  return true;
}

let overflowBuf = new Int32Array(256);

/** Exact output of mixed cell (i, j) into out[o..o+2]. */
export function evaluateCell(ctx: EvalContext, i: number, j: number, out: Uint8Array, o: number): void {
  const { ls, cells } = ctx;
  const c = i * STATE_W + j;
  const c0 = XLO[j];
  const c1 = XHI[j];
  const r0 = YLO[i];
  const r1 = YHI[i];
  const nr = r1 - r0 + 1;
  const lf = cells.lastFull[c];
  const baseColor = lf >= 0 ? ls.color[lf] : 0;
  let n = cells.nLayers[c];
  let list: Int32Array = cells.layers;
  let ls0 = c * CAP;
  const overflow = n > CAP;
  if (overflow) {
    // every later layer (rare: deep stacks such as several cars on one spot)
    n = ls.count - (lf + 1);
    if (overflowBuf.length < n) overflowBuf = new Int32Array(n * 2);
    for (let k = 0; k < n; k++) overflowBuf[k] = lf + 1 + k;
    list = overflowBuf;
    ls0 = 0;
  }
  if (gStart.length < (n + 1) * MAXR + 1) gStart = new Int32Array((n + 1) * MAXR + 1);
  if (n <= 2 && !overflow && ls.kind[list[ls0]] !== LAYER_TEXT && (n === 1 || ls.kind[list[ls0 + 1]] !== LAYER_TEXT)) {
    // channel classes over (B, P0, P1)
    const P0 = ls.color[list[ls0]];
    const P1 = n > 1 ? ls.color[list[ls0 + 1]] : P0;
    let nCls = 0;
    for (let ch = 0; ch < 3; ch++) {
      const sh = 16 - 8 * ch;
      const b = (baseColor >> sh) & 255;
      const p0 = (P0 >> sh) & 255;
      const p1 = (P1 >> sh) & 255;
      if (b === p0 && b === p1) {
        chCls[ch] = -1;
        continue;
      }
      let found = -1;
      for (let c = 0; c < nCls; c++) if (clsB[c] === b && clsP0[c] === p0 && clsP1[c] === p1) found = c;
      if (found < 0) {
        found = nCls++;
        clsB[found] = b;
        clsP0[found] = p0;
        clsP1[found] = p1;
      }
      chCls[ch] = found;
    }
    if (nCls === 0) {
      uniformCell3(baseColor, out, o);
      return;
    }
    if (n === 1 && nCls === 1) {
      const sum = evalA1(ls, i, j, list[ls0], clsB[0], clsP0[0]);
      if (sum >= 0) {
        const v = YOUT[sum];
        for (let ch = 0; ch < 3; ch++) out[o + ch] = chCls[ch] < 0 ? UNIFORM[(baseColor >> (16 - 8 * ch)) & 255] : v;
        return;
      }
    }
    if (n === 1 && evalA(ls, i, j, list[ls0], nCls)) {
      for (let ch = 0; ch < 3; ch++) {
        const cl = chCls[ch];
        out[o + ch] = cl < 0 ? UNIFORM[(baseColor >> (16 - 8 * ch)) & 255] : YOUT[clsSum[cl]];
      }
      return;
    }
    if (fusedGeometry(ls, i, j, n, list[ls0], n > 1 ? list[ls0 + 1] : -1)) {
      for (let c = 0; c < nCls; c++) clsSum[c] = fusedClass(i, j, clsB[c], clsP0[c], clsP1[c]);
      for (let ch = 0; ch < 3; ch++) {
        const cl = chCls[ch];
        out[o + ch] = cl < 0 ? UNIFORM[(baseColor >> (16 - 8 * ch)) & 255] : YOUT[clsSum[cl]];
      }
      return;
    }
  }

  // Colours, text, outline pixels.
  let hasText = false;
  cellColors[0] = baseColor;
  let nc = 1;
  let at = 0;
  for (let k = 0; k < n; k++) {
    const l = list[ls0 + k];
    const kind = ls.kind[l];
    if (kind === LAYER_TEXT) hasText = true;
    else if (nc <= CAP) cellColors[nc++] = ls.color[l];
  }
  channelClasses(nc, hasText || overflow);
  for (let k = 0; k < n; k++) {
    const l = list[ls0 + k];
    if (ls.kind[l] === LAYER_GFX) at = gatherFringe(ls, k, l, c0, c1, r0, nr, at);
  }

  // Row values.
  let ys0 = 0;
  let ys1 = 0;
  let ys2 = 0;
  const do0 = uniformCh[0] === 0 && srcCh[0] === 0;
  const do1 = uniformCh[1] === 0 && srcCh[1] === 1;
  const do2 = uniformCh[2] === 0 && srcCh[2] === 2;
  const w = c1 - c0;
  const jT = j * 256;
  for (let t = 0; t < nr; t++) {
    const r = r0 + t;
    // Row base: the last layer covering the whole support; later layers touching the row are
    // "partial".
    let rowColor = baseColor;
    let kStart = 0;
    let partial = -1;
    let nPartial = 0;
    for (let k = n - 1; k >= 0; k--) {
      const l = list[ls0 + k];
      const lo = ls.rowLo[l];
      let touches = false;
      if (r >= lo && r <= ls.rowHi[l]) {
        const e = ls.base[l] + (r - lo);
        const ns = ls.nSpans[e];
        const so = e * MAX_SPANS;
        if (ns === 1 && ls.spanA[so] <= c0 && ls.spanB[so] >= c1 && ls.kind[l] !== LAYER_TEXT) {
          rowColor = ls.color[l];
          kStart = k + 1;
          break;
        }
        touches = ns > 0 && ls.spanA[so] <= c1 && ls.spanB[so + ns - 1] >= c0;
      }
      if (!touches && ls.kind[l] === LAYER_GFX) {
        const g = k * MAXR + t;
        touches = gStart[g + 1] > gStart[g];
      }
      if (touches) {
        partial = k;
        nPartial++;
      }
    }
    let x0 = 0;
    let x1 = 0;
    let x2 = 0;
    if (nPartial === 0) {
      x0 = UX[jT + ((rowColor >> 16) & 255)];
      x1 = UX[jT + ((rowColor >> 8) & 255)];
      x2 = UX[jT + (rowColor & 255)];
    } else {
      const l = nPartial === 1 ? list[ls0 + partial] : -1;
      const e = l >= 0 ? ls.base[l] + (r - ls.rowLo[l]) : -1;
      if (l >= 0 && ls.kind[l] !== LAYER_TEXT && ls.nSpans[e] <= 1) {
        const color = ls.color[l];
        let ca = 1;
        let cb = 0;
        if (ls.nSpans[e] === 1) {
          ca = ls.spanA[e * MAX_SPANS];
          cb = ls.spanB[e * MAX_SPANS];
          if (ca < c0) ca = c0;
          if (cb > c1) cb = c1;
        }
        const g = partial * MAXR + t;
        const p0 = ls.kind[l] === LAYER_GFX ? gStart[g] : 0;
        const p1 = ls.kind[l] === LAYER_GFX ? gStart[g + 1] : 0;
        if (do0) x0 = runsX(j, c0, c1, rowColor, color, ca, cb, p0, p1, 16);
        if (do1) x1 = runsX(j, c0, c1, rowColor, color, ca, cb, p0, p1, 8);
        if (do2) x2 = runsX(j, c0, c1, rowColor, color, ca, cb, p0, p1, 0);
      } else {
        for (let x = 0; x <= w; x++) scratch[x] = rowColor;
        for (let k = kStart; k < n; k++) paintRow(ctx, k, list[ls0 + k], r, t, c0, c1);
        if (do0) x0 = xFromScratch(j, w, 16);
        if (do1) x1 = xFromScratch(j, w, 8);
        if (do2) x2 = xFromScratch(j, w, 0);
      }
    }
    if (t === 0 && Y_HAS_HI[i]) {
      const hiT = (i - 1) * 256;
      ys0 += YHI_T[hiT + x0];
      ys1 += YHI_T[hiT + x1];
      ys2 += YHI_T[hiT + x2];
    } else if (r === r1 && Y_HAS_LO[i]) {
      const loT = i * 256;
      ys0 += YLO_T[loT + x0];
      ys1 += YLO_T[loT + x1];
      ys2 += YLO_T[loT + x2];
    } else {
      ys0 += x0;
      ys1 += x1;
      ys2 += x2;
    }
  }
  ysum[0] = ys0;
  ysum[1] = ys1;
  ysum[2] = ys2;
  for (let ch = 0; ch < 3; ch++) {
    out[o + ch] = uniformCh[ch] ? UNIFORM[(baseColor >> (16 - 8 * ch)) & 255] : YOUT[ysum[srcCh[ch]]];
  }
}

function uniformCell3(col: number, out: Uint8Array, o: number): void {
  out[o] = UNIFORM[(col >> 16) & 255];
  out[o + 1] = UNIFORM[(col >> 8) & 255];
  out[o + 2] = UNIFORM[col & 255];
}

/**
 * Channel ch is uniform when every colour of the cell has the same value in it (text excluded),
 * and copies channel p when every colour has equal values in ch and p.
 */
function channelClasses(nc: number, all: boolean): void {
  for (let ch = 0; ch < 3; ch++) {
    uniformCh[ch] = 0;
    srcCh[ch] = ch;
    if (all) continue;
    const sh = 16 - 8 * ch;
    const v0 = (cellColors[0] >> sh) & 255;
    let same = true;
    for (let k = 1; k < nc && same; k++) if (((cellColors[k] >> sh) & 255) !== v0) same = false;
    if (same) {
      uniformCh[ch] = 1;
      continue;
    }
    for (let p = 0; p < ch; p++) {
      if (uniformCh[p] || srcCh[p] !== p) continue;
      const shp = 16 - 8 * p;
      let eq = true;
      for (let k = 0; k < nc && eq; k++)
        if (((cellColors[k] >> sh) & 255) !== ((cellColors[k] >> shp) & 255)) eq = false;
      if (eq) {
        srcCh[ch] = p;
        break;
      }
    }
  }
}
