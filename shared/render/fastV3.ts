/**
 * Fast exact v3 observation (spec §8) without a full canvas.
 *
 * 1. Layers: every drawn primitive (background, grass, road, cars, HUD quads, score text) in
 *    drawing order, with its exact per-row coverage (layers.ts).
 * 2. Cells: each layer marks the output cells whose support it fills (uniform) or touches
 *    (appended to the cell's list) (cells.ts).
 * 3. Uniform cells cost a table lookup; mixed cells are evaluated from their base colour and
 *    layer list only.
 */
import { STATE_H, STATE_W, WINDOW_H } from '../sim/constants.ts';
import { newCamera, setCamera } from './camera.ts';
import { evaluateCell, evaluateSingle, type EvalContext } from './cellEval.ts';
import { UNIFORM, Y_AXIS } from './cellGrid.ts';
import { CAP, classifyLayer, markOpaqueBands, newCells, reduceAdjacentPairs, resetCells } from './cells.ts';
import { hudQuads, newHudQuads } from './hud.ts';
import { addDrawLayer, addGfxLayer, addTextLayer, LAYER_TEXT, newLayers, resetLayers } from './layers.ts';
import type { CarRenderState, ObservationScene } from './observationScene.ts';
import { formatScore, newTextStrip, renderTextStrip, TEXT_HEIGHT, type TextStrip } from './scoreText.ts';
import { buildVisibleShapes, newShapeList, SHAPE_GFX } from './shapes.ts';

const ls = newLayers();
const cells = newCells();
const cam = newCamera();
const shapes = newShapeList();
const hud = newHudQuads();
const ctx: EvalContext = { ls, cells, text: newTextStrip() };
const hudX = new Int32Array(4);
const hudY = new Int32Array(4);
let uniformRgb = new Int32Array(256);

/**
 * Per score text, its rendered strip and the outputs of the cells showing only the text over
 * the black HUD bar (the text position depends on the string alone; -1: not computed yet). A
 * few recent strings are kept; the oldest entry's buffers are reused for a new string.
 */
interface TextEntry {
  strip: TextStrip;
  cells: Int32Array;
}
const textCaches = new Map<string, TextEntry>();
const TEXT_CACHE_SIZE = 16;

function textEntry(score: string): TextEntry {
  let entry = textCaches.get(score);
  if (entry) {
    // refresh recency
    textCaches.delete(score);
    textCaches.set(score, entry);
    return entry;
  }
  if (textCaches.size >= TEXT_CACHE_SIZE) {
    const oldest = textCaches.keys().next().value as string;
    entry = textCaches.get(oldest) as TextEntry;
    textCaches.delete(oldest);
    renderTextStrip(score, entry.strip);
    entry.cells.fill(-1);
  } else {
    entry = { strip: renderTextStrip(score, newTextStrip()), cells: new Int32Array(STATE_W * STATE_H).fill(-1) };
  }
  textCaches.set(score, entry);
  return entry;
}

export interface FastV3Options {
  rule25: boolean;
}

/**
 * The HUD's black bar (the first HUD quad, the same on every frame) fills the whole support of
 * the bottom row bands: markOpaqueBands records them and classifyLayer skips them for every
 * earlier layer. Canvas rows that lie only in those bands are then read by nothing but the
 * bar and the layers after it, so the shapes' gfx fills need not be rasterised there:
 * HIDDEN_Y[rule25] is the first pre-flip row that is still needed (rows y < it are the
 * post-flip rows >= WINDOW_H - it). Found once per polygon rule by drawing the bar alone.
 */
const HIDDEN_Y = [-1, -1];

function hiddenY(rule25: boolean, car: CarRenderState): number {
  const k = rule25 ? 1 : 0;
  if (HIDDEN_Y[k] >= 0) return HIDDEN_Y[k];
  const bar = newLayers();
  const barCells = newCells();
  hudQuads(car, true, hud);
  for (let v = 0; v < 4; v++) {
    hudX[v] = Math.trunc(hud.xs[v]);
    hudY[v] = Math.trunc(hud.ys[v]);
  }
  const l = addDrawLayer(bar, hud.colors[0], hudX, hudY, 0, 4, rule25, false);
  resetCells(barCells);
  markOpaqueBands(barCells, bar, l);
  // post-flip rows after the last band the bar does not cover are in covered bands only
  let i = STATE_H - 1;
  while (i >= 0 && barCells.coveredBy[i] === l) i--;
  const rHide = i >= 0 ? Y_AXIS.hi[i] + 1 : 0;
  HIDDEN_Y[k] = WINDOW_H - rHide;
  return HIDDEN_Y[k];
}

export function renderV3Fast(scene: ObservationScene, options: FastV3Options, out: Uint8Array): Uint8Array {
  resetLayers(ls);
  setCamera(cam, scene.t, -scene.ego.hullAngle, scene.ego.hullTransform.px, scene.ego.hullTransform.py);
  buildVisibleShapes(scene, cam, shapes);
  const yFrom = hiddenY(options.rule25, scene.ego);
  for (let k = 0; k < shapes.count; k++) {
    if (shapes.kind[k] === SHAPE_GFX)
      addGfxLayer(ls, shapes.color[k], shapes.vx, shapes.vy, shapes.start[k], shapes.size[k], yFrom);
    else addDrawLayer(ls, shapes.color[k], shapes.vx, shapes.vy, shapes.start[k], shapes.size[k], options.rule25, true);
  }
  hudQuads(scene.ego, true, hud);
  // the first HUD quad is the black bar across the bottom of the view
  const hudBar = ls.count;
  for (let k = 0; k < hud.count; k++) {
    for (let v = 0; v < 4; v++) {
      hudX[v] = Math.trunc(hud.xs[k * 4 + v]);
      hudY[v] = Math.trunc(hud.ys[k * 4 + v]);
    }
    addDrawLayer(ls, hud.colors[k], hudX, hudY, 0, 4, options.rule25, false);
  }
  const score = formatScore(scene.hudReward);
  const entry = textEntry(score);
  const text = entry.strip;
  ctx.text = text;
  const textLayer = addTextLayer(ls, text.left, text.top, text.left + text.width - 1, text.top + TEXT_HEIGHT - 1);

  resetCells(cells);
  markOpaqueBands(cells, ls, hudBar);
  // the rows left empty above must lie in bands the bar hides (they do: the bar is fixed)
  for (let i = STATE_H - 1; i >= 0 && Y_AXIS.hi[i] >= WINDOW_H - yFrom; i--)
    if (cells.coveredBy[i] !== hudBar) throw new Error('renderV3Fast: the HUD bar does not hide the skipped rows');
  for (let l = 0; l < ls.count; l++) classifyLayer(cells, ls, l);
  reduceAdjacentPairs(cells, ls);

  const textCells = entry.cells;
  // output of a uniform cell per layer colour (and black where nothing was drawn)
  if (uniformRgb.length < ls.count) uniformRgb = new Int32Array(ls.count * 2);
  for (let l = 0; l < ls.count; l++) {
    const col = ls.color[l];
    uniformRgb[l] = (UNIFORM[(col >> 16) & 255] << 16) | (UNIFORM[(col >> 8) & 255] << 8) | UNIFORM[col & 255];
  }
  const nLayers = cells.nLayers;
  const lastFull = cells.lastFull;
  const list = cells.layers;
  const kind = ls.kind;
  const color = ls.color;
  const uRgb = uniformRgb;
  // groups of 4 cells (12 bytes, 3 aligned words of out) that are all uniform take word writes
  const n4 = nLayersWords(nLayers);
  const o4 = outWords(out);
  for (let i = 0, c = 0; i < STATE_H; i++) {
    for (let j = 0; j < STATE_W; j++, c++) {
      if ((j & 3) === 0 && o4 !== null && n4 !== null && n4[c >> 2] === 0) {
        const l0 = lastFull[c];
        const l1 = lastFull[c + 1];
        const l2 = lastFull[c + 2];
        const l3 = lastFull[c + 3];
        const v0 = l0 >= 0 ? uRgb[l0] : 0;
        const v1 = l1 >= 0 ? uRgb[l1] : 0;
        const v2 = l2 >= 0 ? uRgb[l2] : 0;
        const v3 = l3 >= 0 ? uRgb[l3] : 0;
        // little-endian words: r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3
        const w = (c >> 2) * 3;
        o4[w] = ((v0 >> 16) & 255) | (v0 & 0xff00) | ((v0 & 255) << 16) | (((v1 >> 16) & 255) << 24);
        o4[w + 1] = ((v1 >> 8) & 255) | ((v1 & 255) << 8) | (((v2 >> 16) & 255) << 16) | (((v2 >> 8) & 255) << 24);
        o4[w + 2] = (v2 & 255) | (((v3 >> 16) & 255) << 8) | (((v3 >> 8) & 255) << 16) | ((v3 & 255) << 24);
        j += 3;
        c += 3;
        continue;
      }
      // 0: uniform; 1..CAP: list; OVERFLOW: every layer after lastFull
      const n = nLayers[c];
      const o = c * 3;
      if (n === 0) {
        const lf = lastFull[c];
        const v = lf >= 0 ? uRgb[lf] : 0;
        out[o] = v >> 16;
        out[o + 1] = (v >> 8) & 255;
        out[o + 2] = v & 255;
        continue;
      }
      if (n === 1) {
        const l = list[c * CAP];
        const lf = lastFull[c];
        if (kind[l] !== LAYER_TEXT) {
          if (evaluateSingle(ls, i, j, l, lf >= 0 ? color[lf] : 0, out, o)) continue;
        } else if (l === textLayer && lf >= 0 && color[lf] === 0) {
          // the score text over the black HUD bar only: depends on the text alone
          let v = textCells[c];
          if (v < 0) {
            evaluateCell(ctx, i, j, out, o);
            v = (out[o] << 16) | (out[o + 1] << 8) | out[o + 2];
            textCells[c] = v;
          } else {
            out[o] = (v >> 16) & 255;
            out[o + 1] = (v >> 8) & 255;
            out[o + 2] = v & 255;
          }
          continue;
        }
      }
      evaluateCell(ctx, i, j, out, o);
    }
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
let n4Of: Uint8Array | null = null;
let n4: Uint32Array | null = null;
let o4Of: Uint8Array | null = null;
let o4Buffer: ArrayBufferLike | null = null;
let o4: Uint32Array | null = null;

/** nLayers as words (4 cells each), or null where that view is not possible. */
function nLayersWords(nLayers: Uint8Array): Uint32Array | null {
  if (nLayers !== n4Of) {
    n4Of = nLayers;
    n4 =
      (nLayers.byteOffset & 3) === 0 && nLayers.length >= STATE_W * STATE_H
        ? new Uint32Array(nLayers.buffer, nLayers.byteOffset, (STATE_W * STATE_H) >> 2)
        : null;
  }
  return n4;
}

/** The observation bytes as little-endian words, or null where that view is not possible. */
function outWords(out: Uint8Array): Uint32Array | null {
  if (out !== o4Of || out.buffer !== o4Buffer) {
    o4Of = out;
    o4Buffer = out.buffer;
    o4 =
      LITTLE_ENDIAN && (out.byteOffset & 3) === 0
        ? new Uint32Array(out.buffer, out.byteOffset, (STATE_W * STATE_H * 3) >> 2)
        : null;
  }
  return o4;
}
