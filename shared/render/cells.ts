/**
 * Cell-level compositing for the fast v3 renderer: for each output row band, a layer either fills
 * a cell's whole support (the cell becomes uniform with its colour and forgets earlier layers) or
 * only touches it (it is appended to the cell's layer list). A cell with an empty list is
 * uniform; the others are evaluated exactly by cellEval.ts.
 */
import { STATE_H, STATE_W, WINDOW_H, WINDOW_W } from '../sim/constants.ts';
import { UNIFORM, X_AXIS, Y_AXIS } from './cellGrid.ts';
import { edgeBandRanges, LAYER_GFX, LAYER_TEXT, MAX_SPANS, type Layers } from './layers.ts';

export const NC = STATE_W * STATE_H;
export const CAP = 16;
/** nLayers of a cell whose list overflowed CAP: every layer after lastFull applies. */
export const OVERFLOW = CAP + 1;

export interface Cells {
  lastFull: Int32Array;
  nLayers: Uint8Array;
  layers: Int32Array;
  /**
   * Cells whose list reached two layers this frame (each once; some may have been reset to
   * uniform since): the only candidates of reduceAdjacentPairs.
   */
  multi: Int32Array;
  nMulti: number;
  /** multi membership: multiMark[c] === stamp. */
  multiMark: Int32Array;
  stamp: number;
  /**
   * Per output row band: the last layer known to fill the band's whole support, edge to edge,
   * or -1 (markOpaqueBands). Earlier layers are hidden there and not classified.
   */
  coveredBy: Int32Array;
}

export function newCells(): Cells {
  return {
    lastFull: new Int32Array(NC),
    nLayers: new Uint8Array(NC),
    layers: new Int32Array(NC * CAP),
    multi: new Int32Array(NC),
    nMulti: 0,
    multiMark: new Int32Array(NC),
    stamp: 0,
    coveredBy: new Int32Array(STATE_H),
  };
}

export function resetCells(cells: Cells): void {
  cells.lastFull.fill(-1);
  cells.nLayers.fill(0);
  cells.nMulti = 0;
  cells.coveredBy.fill(-1);
  if (++cells.stamp > 0x3fffffff) {
    cells.multiMark.fill(0);
    cells.stamp = 1;
  }
}

const YLO = Y_AXIS.lo;
const YHI = Y_AXIS.hi;

/** Appends / resets cells of band i for layer l: FULL for j in [fLo, fHi], touched for [oLo, oHi]. */
function markBand(
  cells: Cells,
  colors: Int32Array,
  l: number,
  col: number,
  i: number,
  oLo: number,
  oHi: number,
  fLo: number,
  fHi: number,
): void {
  const row = i * STATE_W;
  const nLayers = cells.nLayers;
  const layers = cells.layers;
  let pLo = oLo;
  let pHi = oHi;
  if (fLo <= fHi) {
    const a = fLo > oLo ? fLo : oLo;
    const b = fHi < oHi ? fHi : oHi;
    if (a <= b) {
      if (b - a < 48) {
        for (let c = row + a; c <= row + b; c++) {
          cells.lastFull[c] = l;
          nLayers[c] = 0;
        }
      } else {
        cells.lastFull.fill(l, row + a, row + b + 1);
        nLayers.fill(0, row + a, row + b + 1);
      }
      // touched cells left of the full run, then right of it
      for (let c = row + oLo; c < row + a; c++) appendLayer(cells, colors, c, l, col, nLayers, layers);
      pLo = b + 1;
      pHi = oHi;
    }
  }
  for (let c = row + pLo; c <= row + pHi; c++) appendLayer(cells, colors, c, l, col, nLayers, layers);
}

/**
 * Appends layer l (colour col, -1 for the text) to cell c's list. A uniform cell whose colour is
 * col stays uniform: l's fill and outline (col blended over col) leave every pixel as it is.
 */
function appendLayer(
  cells: Cells,
  colors: Int32Array,
  c: number,
  l: number,
  col: number,
  nLayers: Uint8Array,
  layers: Int32Array,
): void {
  const n = nLayers[c];
  if (n === 0) {
    const lf = cells.lastFull[c];
    if ((lf >= 0 ? colors[lf] : 0) === col) return;
  }
  if (n < CAP) {
    layers[c * CAP + n] = l;
    nLayers[c] = n + 1;
    if (n === 1 && cells.multiMark[c] !== cells.stamp) {
      cells.multiMark[c] = cells.stamp;
      cells.multi[cells.nMulti++] = c;
    }
  } else {
    nLayers[c] = OVERFLOW;
  }
}

/**
 * Records the bands whose whole support layer l fills (one span per row from column 0 to the
 * last column). Classifying l there makes all 96 cells uniform with l and empties their lists,
 * so whatever earlier layers marked in such a band is overwritten: classifyLayer skips those
 * bands for earlier layers (the HUD's black bar hides the view's bottom rows this way).
 */
export function markOpaqueBands(cells: Cells, ls: Layers, l: number): void {
  const lo = ls.rowLo[l];
  const hi = ls.rowHi[l];
  if (hi < lo || ls.kind[l] === LAYER_TEXT) return;
  const e0 = ls.base[l] - lo;
  const xa = X_AXIS.lo[0];
  const xb = X_AXIS.hi[STATE_W - 1];
  for (let i = Y_AXIS.firstStartingAtOrAfter[lo]; i < STATE_H && YHI[i] <= hi; i++) {
    let opaque = true;
    for (let r = YLO[i]; r <= YHI[i] && opaque; r++) {
      const e = e0 + r;
      opaque = ls.nSpans[e] === 1 && ls.spanA[e * MAX_SPANS] <= xa && ls.spanB[e * MAX_SPANS] >= xb;
    }
    if (opaque && l > cells.coveredBy[i]) cells.coveredBy[i] = l;
  }
}

/** classifyLayer scratch: per band, the column range of the layer's outline pixels. */
const bandA = new Int32Array(STATE_H);
const bandB = new Int32Array(STATE_H);

export function classifyLayer(cells: Cells, ls: Layers, l: number): void {
  const lo = ls.rowLo[l];
  const hi = ls.rowHi[l];
  if (hi < lo) return;
  const canFill = ls.kind[l] !== LAYER_TEXT;
  const gfx = ls.kind[l] === LAYER_GFX;
  const base = ls.base[l] - lo;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  const xFirstEnd = X_AXIS.firstEndingAtOrAfter;
  const xLastStart = X_AXIS.lastStartingAtOrBefore;
  const col = canFill ? ls.color[l] : -1;
  // outline pixels can reach a couple of rows beyond the fill
  const iFirst = Y_AXIS.firstEndingAtOrAfter[gfx && lo > 3 ? lo - 3 : gfx ? 0 : lo];
  const iLast = Y_AXIS.lastStartingAtOrBefore[gfx && hi < WINDOW_H - 4 ? hi + 3 : gfx ? WINDOW_H - 1 : hi];
  if (gfx) {
    // the outline's column range on every band at once (edgeBandRange per edge and band)
    for (let i = iFirst; i <= iLast; i++) {
      bandA[i] = 100000;
      bandB[i] = -1;
    }
    const e1 = ls.edgeStart[l] + ls.edgeCount[l];
    for (let q = ls.edgeStart[l]; q < e1; q++) edgeBandRanges(ls, q, iFirst, iLast, YLO, YHI, bandA, bandB);
  }
  const coveredBy = cells.coveredBy;
  for (let i = iFirst; i <= iLast; i++) {
    // hidden under a later layer filling the whole band
    if (coveredBy[i] > l) continue;
    const r0 = YLO[i];
    const r1 = YHI[i];
    let full = canFill && r0 >= lo && r1 <= hi;
    let innerA = -1;
    let innerB = 100000;
    let outerA = gfx ? bandA[i] : 100000;
    let outerB = gfx ? bandB[i] : -1;
    const ra = r0 > lo ? r0 : lo;
    const rb = r1 < hi ? r1 : hi;
    for (let r = ra; r <= rb; r++) {
      const e = base + r;
      const n = nSpans[e];
      if (n === 1) {
        const a = spanA[e * MAX_SPANS];
        const b = spanB[e * MAX_SPANS];
        if (a < outerA) outerA = a;
        if (b > outerB) outerB = b;
        if (a > innerA) innerA = a;
        if (b < innerB) innerB = b;
      } else if (n > 0) {
        const a = spanA[e * MAX_SPANS];
        const b = spanB[e * MAX_SPANS + n - 1];
        if (a < outerA) outerA = a;
        if (b > outerB) outerB = b;
        full = false;
      } else {
        full = false;
      }
    }
    if (outerB < outerA) continue;
    if (outerA < 0) outerA = 0;
    if (outerB > WINDOW_W - 1) outerB = WINDOW_W - 1;
    if (outerB < outerA) continue;
    const oLo = xFirstEnd[outerA];
    const oHi = xLastStart[outerB];
    let fLo = STATE_W;
    let fHi = -1;
    if (full && innerA <= innerB) {
      fLo = X_AXIS.firstStartingAtOrAfter[innerA];
      fHi = X_AXIS.lastEndingAtOrBefore[innerB];
    }
    markBand(cells, ls.color, l, col, i, oLo, oHi, fLo, fHi);
  }
}

/** pairBand memo, per (layer l, band i): stamp and the cell range [pairJLo, pairJHi]. */
let pairStamp = new Int32Array(256 * STATE_H);
let pairJLo = new Int8Array(256 * STATE_H);
let pairJHi = new Int8Array(256 * STATE_H);
let pairStampNow = 0;

/**
 * Index into pairJLo / pairJHi of the cells j of band i whose support the fills of layers l and
 * l + 1 cover on every row of the band, as the union of one span each that touch (or one span
 * alone where the other layer has none on the row): every such cell passes the row test of
 * reduceAdjacentPairs. Rows with several spans, or with two spans that do not touch, leave
 * the range empty or smaller (those cells run the row test). Computed once per frame.
 */
function pairBand(ls: Layers, l: number, i: number): number {
  const k = l * STATE_H + i;
  if (pairStamp[k] === pairStampNow) return k;
  pairStamp[k] = pairStampNow;
  const r0 = YLO[i];
  const r1 = YHI[i];
  const loA = ls.rowLo[l];
  const hiA = ls.rowHi[l];
  const loZ = ls.rowLo[l + 1];
  const hiZ = ls.rowHi[l + 1];
  const ebA = ls.base[l] - loA;
  const ebZ = ls.base[l + 1] - loZ;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  // columns covered on every row so far
  let uA = 0;
  let uB = WINDOW_W - 1;
  for (let r = r0; r <= r1 && uA <= uB; r++) {
    let a1 = 1;
    let b1 = 0;
    let a2 = 1;
    let b2 = 0;
    if (r >= loA && r <= hiA) {
      const e = ebA + r;
      const ns = nSpans[e];
      if (ns > 1) uB = -1;
      else if (ns === 1) {
        a1 = spanA[e * MAX_SPANS];
        b1 = spanB[e * MAX_SPANS];
      }
    }
    if (r >= loZ && r <= hiZ) {
      const e = ebZ + r;
      const ns = nSpans[e];
      if (ns > 1) uB = -1;
      else if (ns === 1) {
        a2 = spanA[e * MAX_SPANS];
        b2 = spanB[e * MAX_SPANS];
      }
    }
    let a: number;
    let b: number;
    if (a2 > b2) {
      a = a1;
      b = b1;
    } else if (a1 > b1 || (a2 <= b1 + 1 && a1 <= b2 + 1)) {
      // l + 1's span alone, or the union of two touching spans
      a = a1 <= b1 && a1 < a2 ? a1 : a2;
      b = a1 <= b1 && b1 > b2 ? b1 : b2;
    } else {
      // two separate spans: l's alone (a subset of what the row test accepts)
      a = a1;
      b = b1;
    }
    if (a > uA) uA = a;
    if (b < uB) uB = b;
  }
  if (uA <= uB) {
    pairJLo[k] = X_AXIS.firstStartingAtOrAfter[uA];
    pairJHi[k] = X_AXIS.lastEndingAtOrBefore[uB];
  } else {
    pairJLo[k] = 1;
    pairJHi[k] = 0;
  }
  return k;
}

/**
 * Two layers la, lz next to each other in a cell's list (a tile and the next tile or its kerb,
 * two car fixtures; any layers drawn between them do not touch the support, so lz follows la
 * there) whose fills together cover every support pixel of the cell hide everything drawn
 * before them there: the cell is then la's colour with lz (and any later listed layers) painted
 * over it. la's outline pixels lie outside la's fill, hence inside lz's, and lz's outline
 * pixels lie inside la's fill, so blending them over la's colour is exact. Shortens the lists
 * of most tile-boundary cells from two layers to one (also across a kerb drawn between two
 * tiles). If the first layer kept has la's colour, it paints la's colour over la's colour and
 * is dropped too.
 *
 * For layers consecutive in drawing order the row test is shared by the cells of a band:
 * pairBand gives, once per (l, band), the cells whose support the two fills cover on every row
 * of the band in the common layout (one span each, touching); only the other cells run the
 * per-cell row test. Same decisions as the per-cell test alone.
 */
export function reduceAdjacentPairs(cells: Cells, ls: Layers): void {
  const nLayers = cells.nLayers;
  const layers = cells.layers;
  const nSpans = ls.nSpans;
  const spanA = ls.spanA;
  const spanB = ls.spanB;
  const multi = cells.multi;
  const kind = ls.kind;
  const rowLo = ls.rowLo;
  const rowHi = ls.rowHi;
  const base = ls.base;
  if (pairStamp.length < ls.count * STATE_H) {
    pairStamp = new Int32Array(ls.count * 2 * STATE_H);
    pairJLo = new Int8Array(ls.count * 2 * STATE_H);
    pairJHi = new Int8Array(ls.count * 2 * STATE_H);
    pairStampNow = 0;
  }
  if (++pairStampNow > 0x3fffffff) {
    pairStamp.fill(0);
    pairStampNow = 1;
  }
  for (let m = 0; m < cells.nMulti; m++) {
    const c = multi[m];
    const i = (c / STATE_W) | 0;
    const j = c - i * STATE_W;
    const r0 = YLO[i];
    const r1 = YHI[i];
    const n = nLayers[c];
    if (n < 2 || n > CAP) continue;
    const c0 = X_AXIS.lo[j];
    const c1 = X_AXIS.hi[j];
    const lb = c * CAP;
    for (let k = n - 2; k >= 0; k--) {
      const la = layers[lb + k];
      const lz = layers[lb + k + 1];
      if (kind[la] === LAYER_TEXT || kind[lz] === LAYER_TEXT) continue;
      const loA = rowLo[la];
      const loZ = rowLo[lz];
      if (loA > r0 && loZ > r0) continue;
      let covered = false;
      if (lz === la + 1) {
        // band-level answer first (a subset of the cells the row test accepts)
        const pb = pairBand(ls, la, i);
        covered = j >= pairJLo[pb] && j <= pairJHi[pb];
      }
      if (!covered) {
        covered = true;
        const hiA = rowHi[la];
        const hiZ = rowHi[lz];
        const ebA = base[la] - loA;
        const ebZ = base[lz] - loZ;
        for (let r = r0; r <= r1; r++) {
          let a1 = 1;
          let b1 = 0;
          let a2 = 1;
          let b2 = 0;
          if (r >= loA && r <= hiA) {
            const e = ebA + r;
            const ns = nSpans[e];
            if (ns > 1) {
              covered = false;
              break;
            }
            if (ns === 1) {
              a1 = spanA[e * MAX_SPANS];
              b1 = spanB[e * MAX_SPANS];
            }
          }
          if (r >= loZ && r <= hiZ) {
            const e = ebZ + r;
            const ns = nSpans[e];
            if (ns > 1) {
              covered = false;
              break;
            }
            if (ns === 1) {
              a2 = spanA[e * MAX_SPANS];
              b2 = spanB[e * MAX_SPANS];
            }
          }
          if ((a1 <= c0 && b1 >= c1) || (a2 <= c0 && b2 >= c1)) continue;
          if (!(
            a1 <= b1 &&
            a2 <= b2 &&
            (a1 < a2 ? a1 : a2) <= c0 &&
            (b1 > b2 ? b1 : b2) >= c1 &&
            a2 <= b1 + 1 &&
            a1 <= b2 + 1
          )) {
            covered = false;
            break;
          }
        }
      }
      if (!covered) continue;
      // base = la; keep the layers after it
      cells.lastFull[c] = la;
      const keep = n - (k + 1);
      for (let q = 0; q < keep; q++) layers[lb + q] = layers[lb + k + 1 + q];
      nLayers[c] = keep;
      // the first kept layer is a no-op if it has la's colour (la's colour over la's colour)
      if (keep > 0 && kind[layers[lb]] !== LAYER_TEXT && ls.color[layers[lb]] === ls.color[la]) {
        for (let q = 0; q < keep - 1; q++) layers[lb + q] = layers[lb + q + 1];
        nLayers[c] = keep - 1;
      }
      break;
    }
  }
}

/** Output of a uniform cell. */
export function uniformCell(ls: Layers, cells: Cells, c: number, out: Uint8Array, o: number): void {
  const lf = cells.lastFull[c];
  const col = lf >= 0 ? ls.color[lf] : 0;
  out[o] = UNIFORM[(col >> 16) & 255];
  out[o + 1] = UNIFORM[(col >> 8) & 255];
  out[o + 2] = UNIFORM[col & 255];
}
