/**
 * The drawn primitives of one v3 frame as "layers" in drawing order, with their exact coverage
 * per post-flip canvas row (the row order smoothscale reads):
 *
 * - filled spans of the polygon fill (SDL_gfx filled_polygon or pygame.draw.polygon),
 * - for gfx polygons, the AA outline drawn before the fill, kept as clipped Wu line parameters;
 *   its pixels are generated on demand for the few places that need them (edgePixelsInBox), and
 *   bounded by edgeXRange (conservative: from the unclipped segment).
 *
 * Nothing here touches a 1000x800 canvas; the reference renderer paints the same pixels.
 */
import { WINDOW_H, WINDOW_W } from '../sim/constants.ts';
import { clipLine, round16, toInt16 } from './gfxPolygon.ts';

export const LAYER_GFX = 0;
export const LAYER_DRAW = 1;
export const LAYER_TEXT = 2;

export const MAX_SPANS = 4;
/**
 * Slack of edgeXRange: a Wu line's pixels stay within 2 px (x for y-major lines) or 2 rows (y for
 * x-major lines) of the true segment, also after SDL_gfx's float32 clipping moved its start by
 * < 1 px (checked against the exact pixels in layers.test.ts).
 */
const EDGE_SLACK = 3;

const EDGE_NONE = 0;
const EDGE_VERTICAL = 1;
const EDGE_HORIZONTAL = 2;
const EDGE_YMAJOR = 3;
const EDGE_XMAJOR = 4;

const TWO32 = 4294967296;

export interface Layers {
  count: number;
  kind: Uint8Array;
  color: Int32Array;
  /** Post-flip row range with content (rowLo > rowHi: none). */
  rowLo: Int32Array;
  rowHi: Int32Array;
  /** Row entry of rowLo. */
  base: Int32Array;
  edgeStart: Int32Array;
  edgeCount: Uint8Array;
  // per row entry
  nSpans: Uint8Array;
  spanA: Int16Array;
  spanB: Int16Array;
  nRows: number;
  // AA outline edges (pre-flip coordinates)
  eType: Uint8Array;
  eX1: Int32Array;
  eY1: Int32Array;
  eXX0: Int32Array;
  eYY0: Int32Array;
  eDX: Int32Array;
  eDY: Int32Array;
  eXdir: Int32Array;
  eAdj: Float64Array;
  /** The unclipped segment (pre-flip integer vertices, ordered top-down) and dx/dy, for edgeXRange. */
  eSlope: Float64Array;
  eOx1: Int32Array;
  eOy1: Int32Array;
  eOx2: Int32Array;
  eOy2: Int32Array;
  /** Bounding box of the edge's pixels: post-flip rows [eR0, eR1], columns [eXa, eXb]. */
  eR0: Int32Array;
  eR1: Int32Array;
  eXa: Int32Array;
  eXb: Int32Array;
  nEdges: number;
}

export function newLayers(): Layers {
  const L = 256;
  const R = 1 << 14;
  const E = 1024;
  return {
    count: 0,
    kind: new Uint8Array(L),
    color: new Int32Array(L),
    rowLo: new Int32Array(L),
    rowHi: new Int32Array(L),
    base: new Int32Array(L),
    edgeStart: new Int32Array(L),
    edgeCount: new Uint8Array(L),
    nSpans: new Uint8Array(R),
    spanA: new Int16Array(R * MAX_SPANS),
    spanB: new Int16Array(R * MAX_SPANS),
    nRows: 0,
    eType: new Uint8Array(E),
    eX1: new Int32Array(E),
    eY1: new Int32Array(E),
    eXX0: new Int32Array(E),
    eYY0: new Int32Array(E),
    eDX: new Int32Array(E),
    eDY: new Int32Array(E),
    eXdir: new Int32Array(E),
    eAdj: new Float64Array(E),
    eSlope: new Float64Array(E),
    eOx1: new Int32Array(E),
    eOy1: new Int32Array(E),
    eOx2: new Int32Array(E),
    eOy2: new Int32Array(E),
    eR0: new Int32Array(E),
    eR1: new Int32Array(E),
    eXa: new Int32Array(E),
    eXb: new Int32Array(E),
    nEdges: 0,
  };
}

export function resetLayers(ls: Layers): void {
  ls.count = 0;
  ls.nRows = 0;
  ls.nEdges = 0;
}

function grown<T extends Int32Array | Int16Array | Uint8Array | Float64Array>(a: T, n: number): T {
  const C = a.constructor as new (n: number) => T;
  const b = new C(n);
  b.set(a);
  return b;
}

function ensureLayer(ls: Layers): void {
  if (ls.count < ls.kind.length) return;
  const n = ls.kind.length * 2;
  ls.kind = grown(ls.kind, n);
  ls.color = grown(ls.color, n);
  ls.rowLo = grown(ls.rowLo, n);
  ls.rowHi = grown(ls.rowHi, n);
  ls.base = grown(ls.base, n);
  ls.edgeStart = grown(ls.edgeStart, n);
  ls.edgeCount = grown(ls.edgeCount, n);
}

function ensureRows(ls: Layers, need: number): void {
  if (need <= ls.nSpans.length) return;
  let n = ls.nSpans.length;
  while (n < need) n *= 2;
  ls.nSpans = grown(ls.nSpans, n);
  ls.spanA = grown(ls.spanA, n * MAX_SPANS);
  ls.spanB = grown(ls.spanB, n * MAX_SPANS);
}

function ensureEdges(ls: Layers, need: number): void {
  if (need <= ls.eType.length) return;
  let n = ls.eType.length;
  while (n < need) n *= 2;
  ls.eType = grown(ls.eType, n);
  ls.eX1 = grown(ls.eX1, n);
  ls.eY1 = grown(ls.eY1, n);
  ls.eXX0 = grown(ls.eXX0, n);
  ls.eYY0 = grown(ls.eYY0, n);
  ls.eDX = grown(ls.eDX, n);
  ls.eDY = grown(ls.eDY, n);
  ls.eXdir = grown(ls.eXdir, n);
  ls.eAdj = grown(ls.eAdj, n);
  ls.eSlope = grown(ls.eSlope, n);
  ls.eOx1 = grown(ls.eOx1, n);
  ls.eOy1 = grown(ls.eOy1, n);
  ls.eOx2 = grown(ls.eOx2, n);
  ls.eOy2 = grown(ls.eOy2, n);
  ls.eR0 = grown(ls.eR0, n);
  ls.eR1 = grown(ls.eR1, n);
  ls.eXa = grown(ls.eXa, n);
  ls.eXb = grown(ls.eXb, n);
}

/** Starts a layer on post-flip rows [lo, hi] (clipped), with empty rows. */
function beginLayer(ls: Layers, kind: number, color: number, lo: number, hi: number): number {
  ensureLayer(ls);
  if (lo < 0) lo = 0;
  if (hi > WINDOW_H - 1) hi = WINDOW_H - 1;
  const k = ls.count++;
  ls.kind[k] = kind;
  ls.color[k] = color;
  ls.rowLo[k] = lo;
  ls.rowHi[k] = hi;
  ls.base[k] = ls.nRows;
  ls.edgeStart[k] = ls.nEdges;
  ls.edgeCount[k] = 0;
  if (hi >= lo) {
    const n = hi - lo + 1;
    ensureRows(ls, ls.nRows + n);
    ls.nSpans.fill(0, ls.nRows, ls.nRows + n);
    ls.nRows += n;
  }
  return k;
}

/** Adds the inclusive run [a, b] (any order, unclipped) to row entry e, merging touching runs. */
function addSpan(ls: Layers, e: number, a: number, b: number): void {
  if (a > b) {
    const t = a;
    a = b;
    b = t;
  }
  if (b < 0 || a > WINDOW_W - 1) return;
  if (a < 0) a = 0;
  if (b > WINDOW_W - 1) b = WINDOW_W - 1;
  const o = e * MAX_SPANS;
  const n = ls.nSpans[e];
  if (n === 0) {
    ls.spanA[o] = a;
    ls.spanB[o] = b;
    ls.nSpans[e] = 1;
    return;
  }
  for (let k = 0; k < n; k++) {
    const sa = ls.spanA[o + k];
    const sb = ls.spanB[o + k];
    if (a <= sb + 1 && b >= sa - 1) {
      for (let m = k; m < n - 1; m++) {
        ls.spanA[o + m] = ls.spanA[o + m + 1];
        ls.spanB[o + m] = ls.spanB[o + m + 1];
      }
      ls.nSpans[e] = n - 1;
      addSpan(ls, e, a < sa ? a : sa, b > sb ? b : sb);
      return;
    }
  }
  if (n >= MAX_SPANS) throw new Error('layers: too many spans on one row');
  let k = n;
  while (k > 0 && ls.spanA[o + k - 1] > a) {
    ls.spanA[o + k] = ls.spanA[o + k - 1];
    ls.spanB[o + k] = ls.spanB[o + k - 1];
    k--;
  }
  ls.spanA[o + k] = a;
  ls.spanB[o + k] = b;
  ls.nSpans[e] = n + 1;
}

// Intersections per row of the layer being rasterised (up to 8 per row).
let isect = new Int32Array(8 * 1024);
let isectN = new Uint8Array(1024);

function ensureIsect(rows: number): void {
  if (rows <= isectN.length) return;
  let n = isectN.length;
  while (n < rows) n *= 2;
  isect = new Int32Array(n * 8);
  isectN = new Uint8Array(n);
}

/**
 * Spans of rows [y0, y1] from their intersections (indexed from y0). `gfx`: SDL_gfx's
 * round16((x + 1)) .. round16((x' - 1)) runs, else pygame's [x, x'].
 */
function spansFromIntersections(
  ls: Layers,
  layer: number,
  y0: number,
  y1: number,
  gfx: boolean,
  flipped: boolean,
): void {
  // row entry of pre-flip row y: e = eAt0 + eStep * (y - y0)
  const eStep = flipped ? -1 : 1;
  let e = ls.base[layer] + ((flipped ? WINDOW_H - 1 - y0 : y0) - ls.rowLo[layer]);
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  for (let t = 0, n = y1 - y0; t <= n; t++, e += eStep) {
    const m = isectN[t];
    if (m < 2) continue;
    const o = t * 8;
    if (m === 2) {
      // convex polygons: one span
      let p0 = isect[o];
      let p1 = isect[o + 1];
      if (p0 > p1) {
        const tmp = p0;
        p0 = p1;
        p1 = tmp;
      }
      let xa: number;
      let xb: number;
      if (gfx) {
        xa = toInt16(round16((p0 + 1) | 0));
        xb = toInt16(round16((p1 - 1) | 0));
      } else {
        xa = p0;
        xb = p1;
      }
      if (xa > xb) {
        const tmp = xa;
        xa = xb;
        xb = tmp;
      }
      if (xb >= 0 && xa <= WINDOW_W - 1) {
        spanA[e * MAX_SPANS] = xa < 0 ? 0 : xa;
        spanB[e * MAX_SPANS] = xb > WINDOW_W - 1 ? WINDOW_W - 1 : xb;
        nSpans[e] = 1;
      }
      continue;
    }
    // sort
    for (let i = 1; i < m; i++) {
      const v = isect[o + i];
      let j = i - 1;
      while (j >= 0 && isect[o + j] > v) {
        isect[o + j + 1] = isect[o + j];
        j--;
      }
      isect[o + j + 1] = v;
    }
    for (let k = 0; k + 1 < m; k += 2) {
      let xa: number;
      let xb: number;
      if (gfx) {
        xa = toInt16(round16((isect[o + k] + 1) | 0));
        xb = toInt16(round16((isect[o + k + 1] - 1) | 0));
      } else {
        xa = isect[o + k];
        xb = isect[o + k + 1];
      }
      if (xa > xb) {
        const tmp = xa;
        xa = xb;
        xb = tmp;
      }
      addSpan(ls, e, xa, xb);
    }
  }
}

const clipOut = new Int32Array(4);

function addEdge(ls: Layers, ax: number, ay: number, bx: number, by: number): void {
  ensureEdges(ls, ls.nEdges + 1);
  const k = ls.nEdges++;
  const top = ay <= by;
  ls.eOx1[k] = top ? ax : bx;
  ls.eOy1[k] = top ? ay : by;
  ls.eOx2[k] = top ? bx : ax;
  ls.eOy2[k] = top ? by : ay;
  ls.eSlope[k] = ay === by ? 0 : (bx - ax) / (by - ay);
  if (!clipLine(ax, ay, bx, by, WINDOW_W, WINDOW_H, clipOut)) {
    ls.eType[k] = EDGE_NONE;
    return;
  }
  const x1 = clipOut[0];
  const y1 = clipOut[1];
  const x2 = clipOut[2];
  const y2 = clipOut[3];
  let xx0 = x1;
  let yy0 = y1;
  let xx1 = x2;
  let yy1 = y2;
  if (yy0 > yy1) {
    yy0 = y2;
    yy1 = y1;
    xx0 = x2;
    xx1 = x1;
  }
  let dx = xx1 - xx0;
  const dy = yy1 - yy0;
  ls.eR0[k] = WINDOW_H - 1 - yy1;
  ls.eR1[k] = WINDOW_H - 1 - yy0;
  ls.eXa[k] = (x1 < x2 ? x1 : x2) - 1;
  ls.eXb[k] = (x1 > x2 ? x1 : x2) + 1;
  ls.eX1[k] = x1;
  ls.eY1[k] = y1;
  ls.eXX0[k] = xx0;
  ls.eYY0[k] = yy0;
  ls.eDY[k] = dy;
  if (dx === 0) {
    ls.eType[k] = EDGE_VERTICAL;
    ls.eDX[k] = 0;
    return;
  }
  if (dy === 0) {
    ls.eType[k] = EDGE_HORIZONTAL;
    ls.eDX[k] = dx;
    return;
  }
  let xdir = 1;
  if (dx < 0) {
    xdir = -1;
    dx = -dx;
  }
  ls.eDX[k] = dx;
  ls.eXdir[k] = xdir;
  if (dy > dx) {
    ls.eType[k] = EDGE_YMAJOR;
    ls.eAdj[k] = (Math.trunc((dx << 16) / dy) << 16) >>> 0;
  } else {
    ls.eType[k] = EDGE_XMAJOR;
    ls.eAdj[k] = (Math.trunc((dy << 16) / dx) << 16) >>> 0;
  }
}

/**
 * True when the polygon's non-horizontal edges form two y-monotone chains (their y direction
 * changes exactly twice around the polygon: convex polygons, among others). Every row between
 * miny and maxy then gets exactly one intersection from each chain (edges cover rows
 * [y1, y2), and y2 too at maxy), i.e. one span between the two.
 */
function twoChains(vy: ArrayLike<number>, v0: number, n: number): boolean {
  let changes = 0;
  let first = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const d = vy[v0 + (i + 1 === n ? 0 : i + 1)] - vy[v0 + i];
    if (d === 0) continue;
    const sgn = d > 0 ? 1 : -1;
    if (prev === 0) first = sgn;
    else if (sgn !== prev) changes++;
    prev = sgn;
  }
  if (prev !== first) changes++;
  return changes === 2;
}

/** edgeRows' result: [x1, y1, x2, y2, first row, last row]. */
const EDGE = new Int32Array(6);

/**
 * Polygon edge ia–ib with its upper end first (y1 < y2) and the rows of [yLo, yHi] whose scanline
 * intersections it gives (rows y1 <= y < y2, plus y2 itself when it is the polygon's maxy, as
 * pygame and SDL_gfx count them), into EDGE. False: a horizontal edge, or no such row.
 */
function edgeRows(
  vx: ArrayLike<number>,
  vy: ArrayLike<number>,
  ia: number,
  ib: number,
  maxy: number,
  yLo: number,
  yHi: number,
): boolean {
  const ya0 = vy[ia];
  const yb0 = vy[ib];
  if (ya0 === yb0) return false;
  const down = ya0 < yb0;
  const y1 = down ? ya0 : yb0;
  const y2 = down ? yb0 : ya0;
  const ya = y1 > yLo ? y1 : yLo;
  let yb = y2 === maxy ? y2 : y2 - 1;
  if (yb > yHi) yb = yHi;
  if (yb < ya) return false;
  EDGE[0] = down ? vx[ia] : vx[ib];
  EDGE[1] = y1;
  EDGE[2] = down ? vx[ib] : vx[ia];
  EDGE[3] = y2;
  EDGE[4] = ya;
  EDGE[5] = yb;
  return true;
}

/**
 * addGfxLayer's fill for a two-chain polygon (twoChains), pre-flip rows [yr0, yr1] (rows > 0):
 * the descending chain's intersections go to isect[t], then each ascending edge makes the row's
 * span with them at once. Same intersections and rounding as the general path (one pair per row).
 */
function gfxChains(
  ls: Layers,
  layer: number,
  vx: Int32Array,
  vy: Int32Array,
  v0: number,
  n: number,
  maxy: number,
  yr0: number,
  yr1: number,
): void {
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  // row entry of pre-flip row y: eTop - y
  const eTop = ls.base[layer] + (WINDOW_H - 1 - ls.rowLo[layer]);
  const buf = isect;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const ia = v0 + i;
      const ib = v0 + (i + 1 === n ? 0 : i + 1);
      let ex1 = vx[ia];
      let ey1 = vy[ia];
      let ex2 = vx[ib];
      let ey2 = vy[ib];
      // edgeRows written out: these two fills are hot, and calling it here cost ~3% of a frame
      if (ey1 === ey2 || ey1 < ey2 !== (pass === 0)) continue;
      if (ey1 > ey2) {
        let t = ey1;
        ey1 = ey2;
        ey2 = t;
        t = ex1;
        ex1 = ex2;
        ex2 = t;
      }
      const ya = ey1 > yr0 ? ey1 : yr0;
      let yb = ey2 === maxy ? ey2 : ey2 - 1;
      if (yb > yr1) yb = yr1;
      if (yb < ya) continue;
      const dy = ey2 - ey1;
      const dx = ex2 - ex1;
      const x65 = (65536 * ex1) | 0;
      const Q = Math.trunc(65536 / dy);
      const R = 65536 - Q * dy;
      let q = Math.trunc((65536 * (ya - ey1)) / dy);
      let r = 65536 * (ya - ey1) - q * dy;
      if (pass === 0) {
        for (let y = ya; y <= yb; y++) {
          buf[y - yr0] = (Math.imul(q, dx) + x65) | 0;
          q += Q;
          r += R;
          if (r >= dy) {
            r -= dy;
            q++;
          }
        }
        continue;
      }
      for (let y = ya; y <= yb; y++) {
        let p0 = buf[y - yr0];
        let p1 = (Math.imul(q, dx) + x65) | 0;
        q += Q;
        r += R;
        if (r >= dy) {
          r -= dy;
          q++;
        }
        if (p0 > p1) {
          const tmp = p0;
          p0 = p1;
          p1 = tmp;
        }
        // toInt16(round16(p0 + 1)), toInt16(round16(p1 - 1))
        const u = (p0 + 1) | 0;
        const w = (p1 - 1) | 0;
        let xa = (((u >> 16) + ((u & 32768) >> 15)) << 16) >> 16;
        let xb = (((w >> 16) + ((w & 32768) >> 15)) << 16) >> 16;
        if (xa > xb) {
          const tmp = xa;
          xa = xb;
          xb = tmp;
        }
        if (xb >= 0 && xa <= WINDOW_W - 1) {
          const e = eTop - y;
          spanA[e * MAX_SPANS] = xa < 0 ? 0 : xa;
          spanB[e * MAX_SPANS] = xb > WINDOW_W - 1 ? WINDOW_W - 1 : xb;
          nSpans[e] = 1;
        }
      }
    }
  }
}

/**
 * addDrawLayer's fill for a two-chain polygon (twoChains), rows [y0, y1] (miny < maxy), like
 * gfxChains with pygame's intersections and [x, x'] spans.
 */
function drawChains(
  ls: Layers,
  layer: number,
  vx: ArrayLike<number>,
  vy: ArrayLike<number>,
  v0: number,
  n: number,
  maxy: number,
  y0: number,
  y1: number,
  rule25: boolean,
  flipped: boolean,
): void {
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  // row entry of row y: eAt0 + eStep * y
  const eStep = flipped ? -1 : 1;
  const eAt0 = ls.base[layer] + (flipped ? WINDOW_H - 1 : 0) - ls.rowLo[layer];
  const buf = isect;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const ia = v0 + i;
      const ib = v0 + (i + 1 === n ? 0 : i + 1);
      let ex1 = vx[ia];
      let ey1 = vy[ia];
      let ex2 = vx[ib];
      let ey2 = vy[ib];
      // edgeRows written out: these two fills are hot, and calling it here cost ~3% of a frame
      if (ey1 === ey2 || ey1 < ey2 !== (pass === 0)) continue;
      if (ey1 > ey2) {
        let t = ey1;
        ey1 = ey2;
        ey2 = t;
        t = ex1;
        ex1 = ex2;
        ex2 = t;
      }
      const ya = ey1 > y0 ? ey1 : y0;
      let yb = ey2 === maxy ? ey2 : ey2 - 1;
      if (yb > y1) yb = y1;
      const dy = ey2 - ey1;
      const dx = ex2 - ex1;
      if (pass === 0) {
        for (let y = ya; y <= yb; y++) {
          const num = (y - ey1) * dx;
          buf[y - y0] = rule25 ? Math.trunc(num / dy) + ex1 : Math.trunc(num / dy + ex1);
        }
        continue;
      }
      for (let y = ya; y <= yb; y++) {
        const num = (y - ey1) * dx;
        const p1 = rule25 ? Math.trunc(num / dy) + ex1 : Math.trunc(num / dy + ex1);
        const p0 = buf[y - y0];
        const xa = p0 < p1 ? p0 : p1;
        const xb = p0 < p1 ? p1 : p0;
        if (xb >= 0 && xa <= WINDOW_W - 1) {
          const e = eAt0 + eStep * y;
          spanA[e * MAX_SPANS] = xa < 0 ? 0 : xa;
          spanB[e * MAX_SPANS] = xb > WINDOW_W - 1 ? WINDOW_W - 1 : xb;
          nSpans[e] = 1;
        }
      }
    }
  }
}

/**
 * gfxdraw.aapolygon + filled_polygon of a polygon with pre-flip integer (Sint16) vertices.
 * `yFrom`: the fill of pre-flip rows y < yFrom is not rasterised (those rows stay empty), for
 * rows that nothing reads because a later layer hides them (fastV3's HUD bar); the row range
 * and the outline edges are those of the whole polygon.
 */
export function addGfxLayer(
  ls: Layers,
  color: number,
  vx: Int32Array,
  vy: Int32Array,
  v0: number,
  n: number,
  yFrom = 0,
): number {
  let miny = vy[v0];
  let maxy = vy[v0];
  for (let i = 1; i < n; i++) {
    const y = vy[v0 + i];
    if (y < miny) miny = y;
    else if (y > maxy) maxy = y;
  }
  const y0 = miny < 0 ? 0 : miny;
  const y1 = maxy > WINDOW_H - 1 ? WINDOW_H - 1 : maxy;
  const layer = beginLayer(ls, LAYER_GFX, color, WINDOW_H - 1 - y1, WINDOW_H - 1 - y0);
  if (y1 < y0) return layer;
  // pre-flip rows before yFrom are left empty (hidden, see the doc comment)
  const yr0 = y0 > yFrom ? y0 : yFrom;
  const yr1 = y1;
  const rows = yr1 >= yr0 ? yr1 - yr0 + 1 : 0;
  ensureIsect(rows);
  if (rows > 0 && twoChains(vy, v0, n)) {
    gfxChains(ls, layer, vx, vy, v0, n, maxy, yr0, yr1);
  } else {
    isectN.fill(0, 0, rows);
    for (let i = 0; i < n; i++) {
      if (!edgeRows(vx, vy, v0 + (i === 0 ? n - 1 : i - 1), v0 + i, maxy, yr0, yr1)) continue;
      const ex1 = EDGE[0];
      const ey1 = EDGE[1];
      const ex2 = EDGE[2];
      const ey2 = EDGE[3];
      const ya = EDGE[4];
      const yb = EDGE[5];
      const dy = ey2 - ey1;
      const dx = ex2 - ex1;
      const x65 = (65536 * ex1) | 0;
      const Q = Math.trunc(65536 / dy);
      const R = 65536 - Q * dy;
      let q = Math.trunc((65536 * (ya - ey1)) / dy);
      let r = 65536 * (ya - ey1) - q * dy;
      for (let y = ya; y <= yb; y++) {
        const t = y - yr0;
        isect[t * 8 + isectN[t]++] = (Math.imul(q, dx) + x65) | 0;
        q += Q;
        r += R;
        if (r >= dy) {
          r -= dy;
          q++;
        }
      }
    }
    spansFromIntersections(ls, layer, yr0, yr1, true, true);
  }
  // AA outline
  for (let i = 1; i < n; i++) addEdge(ls, vx[v0 + i - 1], vy[v0 + i - 1], vx[v0 + i], vy[v0 + i]);
  addEdge(ls, vx[v0 + n - 1], vy[v0 + n - 1], vx[v0], vy[v0]);
  ls.edgeCount[layer] = n;
  return layer;
}

/**
 * pygame.draw.polygon fill with integer vertices; `flipped`: vertices are pre-flip (the cars),
 * else post-flip (the HUD). `rule25`: pygame <= 2.5 intersection rule.
 */
export function addDrawLayer(
  ls: Layers,
  color: number,
  vx: ArrayLike<number>,
  vy: ArrayLike<number>,
  v0: number,
  n: number,
  rule25: boolean,
  flipped: boolean,
): number {
  let miny = vy[v0];
  let maxy = vy[v0];
  for (let i = 1; i < n; i++) {
    const y = vy[v0 + i];
    if (y < miny) miny = y;
    if (y > maxy) maxy = y;
  }
  const y0 = miny < 0 ? 0 : miny;
  const y1 = maxy > WINDOW_H - 1 ? WINDOW_H - 1 : maxy;
  const layer = flipped
    ? beginLayer(ls, LAYER_DRAW, color, WINDOW_H - 1 - y1, WINDOW_H - 1 - y0)
    : beginLayer(ls, LAYER_DRAW, color, y0, y1);
  if (y1 < y0) return layer;
  const base = ls.base[layer] - ls.rowLo[layer];
  if (miny === maxy) {
    let minx = vx[v0];
    let maxx = vx[v0];
    for (let i = 1; i < n; i++) {
      if (vx[v0 + i] < minx) minx = vx[v0 + i];
      if (vx[v0 + i] > maxx) maxx = vx[v0 + i];
    }
    addSpan(ls, base + (flipped ? WINDOW_H - 1 - miny : miny), minx, maxx);
    return layer;
  }
  const rows = y1 - y0 + 1;
  ensureIsect(rows);
  if (twoChains(vy, v0, n)) {
    drawChains(ls, layer, vx, vy, v0, n, maxy, y0, y1, rule25, flipped);
  } else {
    isectN.fill(0, 0, rows);
    for (let i = 0; i < n; i++) {
      if (!edgeRows(vx, vy, v0 + (i === 0 ? n - 1 : i - 1), v0 + i, maxy, y0, y1)) continue;
      const ex1 = EDGE[0];
      const ey1 = EDGE[1];
      const ex2 = EDGE[2];
      const ey2 = EDGE[3];
      const ya = EDGE[4];
      const yb = EDGE[5];
      const dy = ey2 - ey1;
      const dx = ex2 - ex1;
      for (let y = ya; y <= yb; y++) {
        const num = (y - ey1) * dx;
        const t = y - y0;
        isect[t * 8 + isectN[t]++] = rule25 ? Math.trunc(num / dy) + ex1 : Math.trunc(num / dy + ex1);
      }
    }
    spansFromIntersections(ls, layer, y0, y1, false, flipped);
  }
  for (let i = 0; i < n; i++) {
    const ip = v0 + (i === 0 ? n - 1 : i - 1);
    const y = vy[v0 + i];
    if (miny < y && vy[ip] === y && y < maxy && y >= y0 && y <= y1) {
      addSpan(ls, base + (flipped ? WINDOW_H - 1 - y : y), vx[v0 + i], vx[ip]);
    }
  }
  return layer;
}

/** The score text blit: a rectangle, post-flip rows [top, bottom], columns [left, right]. */
export function addTextLayer(ls: Layers, left: number, top: number, right: number, bottom: number): number {
  const layer = beginLayer(ls, LAYER_TEXT, 0, top, bottom);
  for (let r = ls.rowLo[layer]; r <= ls.rowHi[layer]; r++)
    addSpan(ls, ls.base[layer] + (r - ls.rowLo[layer]), left, right);
  return layer;
}

/**
 * Appends the pixels of AA outline edge k on pre-flip row y within columns [c0, c1] that are
 * outside the spans of row entry e (the layer's own fill), in drawing order, to xs/alphas from
 * index count; returns the new count. alpha 255 = written, else blended.
 */
export function edgePixels(
  ls: Layers,
  k: number,
  y: number,
  c0: number,
  c1: number,
  e: number,
  xs: Int32Array,
  alphas: Int32Array,
  count: number,
): number {
  const type = ls.eType[k];
  if (type === EDGE_NONE) return count;
  const yy0 = ls.eYY0[k];
  const dy = ls.eDY[k];
  if (y < yy0 || y > yy0 + dy) return count;
  const ns = ls.nSpans[e];
  const so = e * MAX_SPANS;
  const x1 = ls.eX1[k];
  if (type === EDGE_VERTICAL) {
    if (dy > 0 || y === ls.eY1[k]) count = emit(x1, 255, c0, c1, ns, so, ls, xs, alphas, count);
    return count;
  }
  if (type === EDGE_HORIZONTAL) {
    // SDL_gfx: an hline from xx0 to xx0 + dx when dx > 0, else only the first end point
    const dx = ls.eDX[k];
    if (dx > 0) {
      const a = ls.eXX0[k];
      for (let x = a > c0 ? a : c0; x <= a + dx && x <= c1; x++)
        count = emit(x, 255, c0, c1, ns, so, ls, xs, alphas, count);
    } else {
      count = emit(x1, 255, c0, c1, ns, so, ls, xs, alphas, count);
    }
    return count;
  }
  if (y === ls.eY1[k]) count = emit(x1, 255, c0, c1, ns, so, ls, xs, alphas, count);
  const xx0 = ls.eXX0[k];
  const dx = ls.eDX[k];
  const xdir = ls.eXdir[k];
  const adj = ls.eAdj[k];
  if (type === EDGE_YMAJOR) {
    const kk = y - yy0;
    if (kk < 1 || kk > dy - 1) return count;
    const prod = kk * adj;
    const wraps = Math.floor(prod / TWO32);
    const w = Math.floor((prod - wraps * TWO32) / 16777216);
    const x = xx0 + xdir * wraps;
    count = emit(x, (255 * (255 - w)) >> 8, c0, c1, ns, so, ls, xs, alphas, count);
    return emit(x + xdir, (255 * w) >> 8, c0, c1, ns, so, ls, xs, alphas, count);
  }
  // x-major: step s in [1, dx-1] draws (xx0 + xdir*s, y_s) and (.., y_s + 1); this row gets the
  // pair pixels of the steps with y_s = y - 1, then the main pixels of the steps with y_s = y.
  const t = y - yy0;
  for (let pass = 0; pass < 2; pass++) {
    const target = pass === 0 ? t - 1 : t;
    if (target < 0) continue;
    let ka: number;
    let kb: number;
    if (adj === 0) {
      ka = target;
      kb = target;
    } else {
      ka = Math.ceil((target * TWO32) / adj);
      kb = Math.ceil(((target + 1) * TWO32) / adj) - 1;
    }
    if (ka < 1) ka = 1;
    if (kb > dx - 1) kb = dx - 1;
    if (xdir > 0) {
      if (ka < c0 - xx0) ka = c0 - xx0;
      if (kb > c1 - xx0) kb = c1 - xx0;
    } else {
      if (ka < xx0 - c1) ka = xx0 - c1;
      if (kb > xx0 - c0) kb = xx0 - c0;
    }
    for (let st = ka; st <= kb; st++) {
      const prod = st * adj;
      const w = Math.floor((prod - Math.floor(prod / TWO32) * TWO32) / 16777216);
      const alpha = pass === 0 ? (255 * w) >> 8 : (255 * (255 - w)) >> 8;
      count = emit(xx0 + xdir * st, alpha, c0, c1, ns, so, ls, xs, alphas, count);
    }
  }
  return count;
}

/**
 * Conservative column range of the pixels of outline edge k on post-flip rows [ra, rb], into
 * range[0..1] (range[0] > range[1]: none).
 */
export function edgeXRange(ls: Layers, k: number, ra: number, rb: number, range: Int32Array): void {
  range[0] = 1;
  range[1] = 0;
  if (ls.eType[k] === EDGE_NONE) return;
  // pre-flip rows, widened by the slack; the segment is stored top-down (eOy1 <= eOy2)
  const ya = WINDOW_H - 1 - rb - EDGE_SLACK;
  const yb = WINDOW_H - 1 - ra + EDGE_SLACK;
  const y1 = ls.eOy1[k];
  const y2 = ls.eOy2[k];
  if (y2 < ya || y1 > yb) return;
  const x1 = ls.eOx1[k];
  const x2 = ls.eOx2[k];
  let xa: number;
  let xb: number;
  if (y1 === y2) {
    xa = x1 < x2 ? x1 : x2;
    xb = x1 < x2 ? x2 : x1;
  } else {
    const s = ls.eSlope[k];
    const pa = x1 + ((ya > y1 ? ya : y1) - y1) * s;
    const pb = x1 + ((yb < y2 ? yb : y2) - y1) * s;
    xa = Math.floor(pa < pb ? pa : pb);
    xb = Math.ceil(pa < pb ? pb : pa);
  }
  range[0] = xa - EDGE_SLACK;
  range[1] = xb + EDGE_SLACK;
}

/**
 * Column range of the pixels of AA outline edge k on post-flip rows [ra, rb], into
 * range[0..1] (range[0] > range[1]: none), from the clipped Wu parameters the pixels are made
 * from: a superset of the columns edgePixelsInBox produces there (alpha-0 pixels included), at
 * most one step wider per end for x-major edges, and much tighter than edgeXRange.
 */
export function edgeBandRange(ls: Layers, k: number, ra: number, rb: number, range: Int32Array): void {
  range[0] = 1;
  range[1] = 0;
  const type = ls.eType[k];
  if (type === EDGE_NONE || ls.eR1[k] < ra || ls.eR0[k] > rb) return;
  const ya = WINDOW_H - 1 - rb;
  const yb = WINDOW_H - 1 - ra;
  const x1 = ls.eX1[k];
  const y1 = ls.eY1[k];
  const yy0 = ls.eYY0[k];
  const dy = ls.eDY[k];
  let xa = 100000;
  let xb = -100000;
  if (type === EDGE_VERTICAL) {
    const lo = dy > 0 ? yy0 : y1;
    const hi = dy > 0 ? yy0 + dy : y1;
    if (hi >= ya && lo <= yb) {
      range[0] = x1;
      range[1] = x1;
    }
    return;
  }
  if (type === EDGE_HORIZONTAL) {
    if (y1 >= ya && y1 <= yb) {
      const dx = ls.eDX[k];
      range[0] = dx > 0 ? ls.eXX0[k] : x1;
      range[1] = dx > 0 ? ls.eXX0[k] + dx : x1;
    }
    return;
  }
  // first end point
  if (y1 >= ya && y1 <= yb) {
    xa = x1;
    xb = x1;
  }
  const xx0 = ls.eXX0[k];
  const xdir = ls.eXdir[k];
  const adj = ls.eAdj[k];
  if (type === EDGE_YMAJOR) {
    // step kk (1 <= kk <= dy - 1) draws row yy0 + kk at columns x and x + xdir,
    // x = xx0 + xdir * floor(kk * adj / 2^32) (exact in doubles)
    let kk0 = ya - yy0;
    let kk1 = yb - yy0;
    if (kk0 < 1) kk0 = 1;
    if (kk1 > dy - 1) kk1 = dy - 1;
    if (kk0 <= kk1) {
      const wA = Math.floor((kk0 * adj) / TWO32);
      const wB = Math.floor((kk1 * adj) / TWO32);
      const a = xdir > 0 ? xx0 + wA : xx0 - wB - 1;
      const b = xdir > 0 ? xx0 + wB + 1 : xx0 - wA;
      if (a < xa) xa = a;
      if (b > xb) xb = b;
    }
  } else {
    // x-major: step s (1 <= s <= dx - 1) draws column xx0 + xdir * s at rows y_s and y_s + 1,
    // y_s = yy0 + W(s), W(s) = floor(s * adj / 2^32) (s when adj = 0), non-decreasing: the
    // steps with y_s in [ya - 1, yb], widened by one step per end against rounding
    const dx = ls.eDX[k];
    const ta = ya - 1 - yy0;
    const tb = yb - yy0;
    let s0: number;
    let s1: number;
    if (adj === 0) {
      s0 = ta;
      s1 = tb;
    } else {
      s0 = Math.ceil((ta * TWO32) / adj) - 1;
      s1 = Math.ceil(((tb + 1) * TWO32) / adj);
    }
    if (s0 < 1) s0 = 1;
    if (s1 > dx - 1) s1 = dx - 1;
    if (s0 <= s1) {
      const a = xdir > 0 ? xx0 + s0 : xx0 - s1;
      const b = xdir > 0 ? xx0 + s1 : xx0 - s0;
      if (a < xa) xa = a;
      if (b > xb) xb = b;
    }
  }
  range[0] = xa;
  range[1] = xb;
}

/**
 * edgeBandRange of AA outline edge k for every row band i in [iFrom, iTo] at once (band i: post-flip
 * rows [bandLo[i], bandHi[i]], increasing with i), merged into bandA[i] (min) and bandB[i] (max);
 * bands the edge has no pixel in are left as they are. Same formulas as edgeBandRange per band,
 * without its per-call set-up.
 */
export function edgeBandRanges(
  ls: Layers,
  k: number,
  iFrom: number,
  iTo: number,
  bandLo: Int32Array,
  bandHi: Int32Array,
  bandA: Int32Array,
  bandB: Int32Array,
): void {
  const type = ls.eType[k];
  if (type === EDGE_NONE) return;
  const eR0 = ls.eR0[k];
  const eR1 = ls.eR1[k];
  // skip the bands above the edge's rows, stop after the last band reaching them
  let i = iFrom;
  while (i <= iTo && bandHi[i] < eR0) i++;
  const x1 = ls.eX1[k];
  const y1 = ls.eY1[k];
  const yy0 = ls.eYY0[k];
  const dy = ls.eDY[k];
  if (type === EDGE_VERTICAL || type === EDGE_HORIZONTAL) {
    let ylo: number;
    let yhi: number;
    let a: number;
    let b: number;
    if (type === EDGE_VERTICAL) {
      ylo = dy > 0 ? yy0 : y1;
      yhi = dy > 0 ? yy0 + dy : y1;
      a = x1;
      b = x1;
    } else {
      const dx = ls.eDX[k];
      ylo = y1;
      yhi = y1;
      a = dx > 0 ? ls.eXX0[k] : x1;
      b = dx > 0 ? ls.eXX0[k] + dx : x1;
    }
    for (; i <= iTo && bandLo[i] <= eR1; i++) {
      // pre-flip rows of the band: [WINDOW_H - 1 - bandHi[i], WINDOW_H - 1 - bandLo[i]]
      if (yhi < WINDOW_H - 1 - bandHi[i] || ylo > WINDOW_H - 1 - bandLo[i]) continue;
      if (a < bandA[i]) bandA[i] = a;
      if (b > bandB[i]) bandB[i] = b;
    }
    return;
  }
  const xx0 = ls.eXX0[k];
  const xdir = ls.eXdir[k];
  const adj = ls.eAdj[k];
  const dx = ls.eDX[k];
  for (; i <= iTo && bandLo[i] <= eR1; i++) {
    const ya = WINDOW_H - 1 - bandHi[i];
    const yb = WINDOW_H - 1 - bandLo[i];
    let xa = 100000;
    let xb = -100000;
    if (y1 >= ya && y1 <= yb) {
      xa = x1;
      xb = x1;
    }
    if (type === EDGE_YMAJOR) {
      let kk0 = ya - yy0;
      let kk1 = yb - yy0;
      if (kk0 < 1) kk0 = 1;
      if (kk1 > dy - 1) kk1 = dy - 1;
      if (kk0 <= kk1) {
        const wA = Math.floor((kk0 * adj) / TWO32);
        const wB = Math.floor((kk1 * adj) / TWO32);
        const a = xdir > 0 ? xx0 + wA : xx0 - wB - 1;
        const b = xdir > 0 ? xx0 + wB + 1 : xx0 - wA;
        if (a < xa) xa = a;
        if (b > xb) xb = b;
      }
    } else {
      const ta = ya - 1 - yy0;
      const tb = yb - yy0;
      let s0: number;
      let s1: number;
      if (adj === 0) {
        s0 = ta;
        s1 = tb;
      } else {
        s0 = Math.ceil((ta * TWO32) / adj) - 1;
        s1 = Math.ceil(((tb + 1) * TWO32) / adj);
      }
      if (s0 < 1) s0 = 1;
      if (s1 > dx - 1) s1 = dx - 1;
      if (s0 <= s1) {
        const a = xdir > 0 ? xx0 + s0 : xx0 - s1;
        const b = xdir > 0 ? xx0 + s1 : xx0 - s0;
        if (a < xa) xa = a;
        if (b > xb) xb = b;
      }
    }
    if (xa > xb) continue;
    if (xa < bandA[i]) bandA[i] = xa;
    if (xb > bandB[i]) bandB[i] = xb;
  }
}

/**
 * All pixels of AA outline edge k with columns in [c0, c1] and post-flip rows in [ra, rb], in
 * drawing order within each row, appended to xs / rows / alphas from index m (alpha 0 pixels
 * dropped; the layer's own fill is not applied here). Returns the new count. Incremental (no
 * division per row): the batch form of edgePixels.
 */
export function edgePixelsInBox(
  ls: Layers,
  k: number,
  c0: number,
  c1: number,
  ra: number,
  rb: number,
  xs: Int32Array,
  rows: Int32Array,
  alphas: Int32Array,
  m: number,
): number {
  const type = ls.eType[k];
  if (type === EDGE_NONE) return m;
  const yy0 = ls.eYY0[k];
  const dy = ls.eDY[k];
  // pre-flip rows of the box
  const ya = WINDOW_H - 1 - rb;
  const yb = WINDOW_H - 1 - ra;
  const x1 = ls.eX1[k];
  const y1 = ls.eY1[k];
  if (type === EDGE_VERTICAL) {
    if (x1 < c0 || x1 > c1) return m;
    const lo = dy > 0 ? (yy0 > ya ? yy0 : ya) : y1;
    const hi = dy > 0 ? (yy0 + dy < yb ? yy0 + dy : yb) : y1;
    for (let y = lo; y <= hi; y++) {
      if (y < ya || y > yb) continue;
      xs[m] = x1;
      rows[m] = WINDOW_H - 1 - y;
      alphas[m++] = 255;
    }
    return m;
  }
  if (type === EDGE_HORIZONTAL) {
    if (y1 < ya || y1 > yb) return m;
    const dx = ls.eDX[k];
    const a = dx > 0 ? ls.eXX0[k] : x1;
    const b = dx > 0 ? ls.eXX0[k] + dx : x1;
    for (let x = a > c0 ? a : c0; x <= b && x <= c1; x++) {
      xs[m] = x;
      rows[m] = WINDOW_H - 1 - y1;
      alphas[m++] = 255;
    }
    return m;
  }
  // first end point, full colour
  if (y1 >= ya && y1 <= yb && x1 >= c0 && x1 <= c1) {
    xs[m] = x1;
    rows[m] = WINDOW_H - 1 - y1;
    alphas[m++] = 255;
  }
  const xx0 = ls.eXX0[k];
  const dx = ls.eDX[k];
  const xdir = ls.eXdir[k];
  const adj = ls.eAdj[k];
  if (type === EDGE_YMAJOR) {
    // step kk draws row yy0 + kk: (x, .) with 255 - w and (x + xdir, .) with w
    let kk0 = ya - yy0;
    let kk1 = yb - yy0;
    if (kk0 < 1) kk0 = 1;
    if (kk1 > dy - 1) kk1 = dy - 1;
    if (kk0 > kk1) return m;
    const prod = kk0 * adj;
    let wraps = Math.floor(prod / TWO32);
    let acc = prod - wraps * TWO32;
    for (let kk = kk0; kk <= kk1; kk++) {
      const x = xx0 + xdir * wraps;
      const w = acc >>> 24;
      const r = WINDOW_H - 1 - (yy0 + kk);
      const a1 = (255 * (255 - w)) >> 8;
      if (a1 !== 0 && x >= c0 && x <= c1) {
        xs[m] = x;
        rows[m] = r;
        alphas[m++] = a1;
      }
      const x2 = x + xdir;
      const a2 = (255 * w) >> 8;
      if (a2 !== 0 && x2 >= c0 && x2 <= c1) {
        xs[m] = x2;
        rows[m] = r;
        alphas[m++] = a2;
      }
      acc += adj;
      if (acc >= TWO32) {
        acc -= TWO32;
        wraps++;
      }
    }
    return m;
  }
  // x-major: step s draws column xx0 + xdir*s at rows y_s and y_s + 1
  let s0: number;
  let s1: number;
  if (xdir > 0) {
    s0 = c0 - xx0;
    s1 = c1 - xx0;
  } else {
    s0 = xx0 - c1;
    s1 = xx0 - c0;
  }
  if (s0 < 1) s0 = 1;
  if (s1 > dx - 1) s1 = dx - 1;
  if (s0 > s1) return m;
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
    const w = acc >>> 24;
    const a1 = (255 * (255 - w)) >> 8;
    if (a1 !== 0 && y >= ya && y <= yb) {
      xs[m] = x;
      rows[m] = WINDOW_H - 1 - y;
      alphas[m++] = a1;
    }
    const a2 = (255 * w) >> 8;
    if (a2 !== 0 && y + 1 >= ya && y + 1 <= yb) {
      xs[m] = x;
      rows[m] = WINDOW_H - 2 - y;
      alphas[m++] = a2;
    }
    if (adj === 0) {
      wraps++;
    } else {
      acc += adj;
      if (acc >= TWO32) {
        acc -= TWO32;
        wraps++;
      }
    }
  }
  return m;
}

/**
 * The AA outline pixels of gfx layer `layer` on post-flip row r within columns [c0, c1] that
 * survive the layer's own fill, in drawing order: xs[k], alphas[k] for k < returned count.
 */
export function fringePixels(
  ls: Layers,
  layer: number,
  r: number,
  c0: number,
  c1: number,
  xs: Int32Array,
  alphas: Int32Array,
): number {
  const y = WINDOW_H - 1 - r;
  const e = ls.base[layer] + (r - ls.rowLo[layer]);
  let count = 0;
  const eEnd = ls.edgeStart[layer] + ls.edgeCount[layer];
  for (let k = ls.edgeStart[layer]; k < eEnd; k++) count = edgePixels(ls, k, y, c0, c1, e, xs, alphas, count);
  return count;
}

function emit(
  x: number,
  alpha: number,
  c0: number,
  c1: number,
  ns: number,
  so: number,
  ls: Layers,
  xs: Int32Array,
  alphas: Int32Array,
  count: number,
): number {
  if (alpha === 0 || x < c0 || x > c1) return count;
  for (let s = 0; s < ns; s++) if (x >= ls.spanA[so + s] && x <= ls.spanB[so + s]) return count;
  xs[count] = x;
  alphas[count] = alpha;
  return count + 1;
}
