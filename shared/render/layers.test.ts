import { describe, expect, it } from 'vitest';
import { WINDOW_H, WINDOW_W } from '../sim/constants.ts';
import { drawPolygon } from './drawPolygon.ts';
import { aaPolygon, filledPolygon, toInt16 } from './gfxPolygon.ts';
import {
  addDrawLayer,
  addGfxLayer,
  edgeBandRange,
  edgePixelsInBox,
  edgeXRange,
  fringePixels,
  MAX_SPANS,
  newLayers,
  resetLayers,
  type Layers,
} from './layers.ts';
import { newCanvas, type RgbCanvas } from './rgbCanvas.ts';
import { mulberry32 } from './testScenes.ts';

const BG = 0x204060;
const COLOR = 0xc08010;

function fillCanvas(c: RgbCanvas, color: number): void {
  for (let i = 0; i < c.width * c.height; i++) {
    c.data[i * 3] = (color >> 16) & 255;
    c.data[i * 3 + 1] = (color >> 8) & 255;
    c.data[i * 3 + 2] = color & 255;
  }
}

const TEMPLATE = newCanvas(WINDOW_W, WINDOW_H);
fillCanvas(TEMPLATE, BG);

function bgCanvas(): RgbCanvas {
  const c = newCanvas(WINDOW_W, WINDOW_H);
  c.data.set(TEMPLATE.data);
  return c;
}

/** Rebuilds the canvas of one layer drawn over BG from the layer rows (post-flip rows). */
function rebuild(ls: Layers, layer: number, flipped: boolean): RgbCanvas {
  const c = bgCanvas();
  const xs = new Int32Array(4096);
  const al = new Int32Array(4096);
  const put = (x: number, r: number, v: number) => {
    const y = flipped ? WINDOW_H - 1 - r : r;
    const o = (y * WINDOW_W + x) * 3;
    c.data[o] = (v >> 16) & 255;
    c.data[o + 1] = (v >> 8) & 255;
    c.data[o + 2] = v & 255;
  };
  const get = (x: number, r: number) => {
    const y = flipped ? WINDOW_H - 1 - r : r;
    const o = (y * WINDOW_W + x) * 3;
    return (c.data[o] << 16) | (c.data[o + 1] << 8) | c.data[o + 2];
  };
  // every outline pixel lies within its edge's conservative column range for its row
  const range = new Int32Array(2);
  const bx = new Int32Array(8192);
  const br = new Int32Array(8192);
  const ba = new Int32Array(8192);
  for (let q = ls.edgeStart[layer]; q < ls.edgeStart[layer] + ls.edgeCount[layer]; q++) {
    const m = edgePixelsInBox(ls, q, 0, WINDOW_W - 1, 0, WINDOW_H - 1, bx, br, ba, 0);
    for (let p = 0; p < m; p++) {
      edgeXRange(ls, q, br[p], br[p], range);
      if (bx[p] < range[0] || bx[p] > range[1])
        throw new Error(`outline pixel ${bx[p]} on row ${br[p]} outside [${range[0]}, ${range[1]}]`);
      // the exact band range, for the pixel's row alone and for bands of 2 to 10 rows holding it
      for (let below = 0; below < 10; below += 3) {
        edgeBandRange(ls, q, br[p] - below, br[p] + ((p * 7 + below) % 10), range);
        if (bx[p] < range[0] || bx[p] > range[1])
          throw new Error(`outline pixel ${bx[p]} on row ${br[p]} outside band range [${range[0]}, ${range[1]}]`);
      }
      if (br[p] < ls.eR0[q] || br[p] > ls.eR1[q] || bx[p] < ls.eXa[q] || bx[p] > ls.eXb[q])
        throw new Error('outline pixel outside the edge box');
    }
  }
  for (let r = ls.rowLo[layer]; r <= ls.rowHi[layer]; r++) {
    const e = ls.base[layer] + (r - ls.rowLo[layer]);
    if (ls.edgeCount[layer] > 0) {
      const n = fringePixels(ls, layer, r, 0, WINDOW_W - 1, xs, al);
      for (let k = 0; k < n; k++) {
        const a = al[k];
        if (a === 255) put(xs[k], r, COLOR);
        else {
          const old = get(xs[k], r);
          let v = 0;
          for (let sh = 16; sh >= 0; sh -= 8) {
            const o = (old >> sh) & 255;
            const cc = (COLOR >> sh) & 255;
            v |= (o + (((cc - o) * a) >> 8)) << sh;
          }
          put(xs[k], r, v);
        }
      }
    }
    for (let s = 0; s < ls.nSpans[e]; s++) {
      for (let x = ls.spanA[e * MAX_SPANS + s]; x <= ls.spanB[e * MAX_SPANS + s]; x++) put(x, r, COLOR);
    }
  }
  return c;
}

function firstDiff(a: RgbCanvas, b: RgbCanvas): string | null {
  if (Buffer.compare(a.data, b.data) === 0) return null;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] !== b.data[i]) {
      const p = Math.floor(i / 3);
      return `pixel (${p % a.width}, ${Math.floor(p / a.width)})`;
    }
  }
  return null;
}

function randomPolygon(rnd: () => number, n: number, scale: number, cx: number, cy: number): [Int32Array, Int32Array] {
  const vx = new Int32Array(n);
  const vy = new Int32Array(n);
  // star-shaped around (cx, cy): sorted angles, random radii -> convex or not
  const angles = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((a, b) => a - b);
  for (let i = 0; i < n; i++) {
    const rad = scale * (0.3 + rnd());
    vx[i] = toInt16(Math.trunc(cx + rad * Math.cos(angles[i])));
    vy[i] = toInt16(Math.trunc(cy + rad * Math.sin(angles[i])));
  }
  return [vx, vy];
}

describe('layer rows reproduce the reference rasterisers', () => {
  const ls = newLayers();
  it('gfx polygons (aapolygon + filled_polygon), incl. clipped, tiny, huge and degenerate ones', () => {
    const rnd = mulberry32(1);
    for (let iter = 0; iter < Number(process.env.LAYER_CASES ?? 1500); iter++) {
      const n = 3 + Math.floor(rnd() * 6);
      const scale = [2, 10, 60, 300, 3000][iter % 5];
      const cx = -200 + rnd() * 1400;
      const cy = -200 + rnd() * 1200;
      const [vx, vy] = randomPolygon(rnd, n, scale, cx, cy);
      if (iter % 17 === 0) vy.fill(vy[0]); // degenerate: all on one row
      if (iter % 5 === 3) {
        // long, shallow, clipped edges (a thin sliver crossing the canvas border)
        for (let i = 0; i < n; i++) vy[i] = toInt16(Math.trunc(cy + (vy[i] - cy) * 0.05));
      }
      const ref = bgCanvas();
      aaPolygon(ref, vx, vy, n, COLOR);
      filledPolygon(ref, vx, vy, n, COLOR);
      resetLayers(ls);
      const layer = addGfxLayer(ls, COLOR, vx, vy, 0, n);
      if (process.env.DEBUG_CASE) console.log(iter, Array.from(vx), Array.from(vy));
      // rebuild() maps the post-flip layer rows back to pre-flip canvas rows
      const got = rebuild(ls, layer, true);
      const d = firstDiff(got, ref);
      expect(d, `case ${iter}: ${d} vertices ${Array.from(vx)} / ${Array.from(vy)}`).toBeNull();
    }
  });

  it('draw polygons, both pygame rules, pre- and post-flip', () => {
    const rnd = mulberry32(2);
    for (let iter = 0; iter < 200; iter++) {
      const n = 3 + Math.floor(rnd() * 6);
      const scale = [2, 10, 60, 300][iter % 4];
      const [vx, vy] = randomPolygon(rnd, n, scale, -100 + rnd() * 1200, -100 + rnd() * 1000);
      const rule = iter % 2 === 0 ? 'pygame2.5' : 'pygame2.6';
      const flipped = iter % 3 === 0;
      const ref = bgCanvas();
      drawPolygon(ref, vx, vy, n, COLOR, rule);
      resetLayers(ls);
      const layer = addDrawLayer(ls, COLOR, vx, vy, 0, n, rule === 'pygame2.5', flipped);
      const got = rebuild(ls, layer, flipped);
      const d = firstDiff(got, ref);
      expect(d, `case ${iter}: ${d}`).toBeNull();
    }
  });
});
