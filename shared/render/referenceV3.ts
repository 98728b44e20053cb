/**
 * The straightforward v3 renderer: draws the full 1000x800 canvas exactly like Gymnasium + pygame
 * (spec §8), then smooth-scales it. Slow (milliseconds); it is the oracle the fast renderer is
 * tested against, and the canvas is what `human` / `rgb_array` spectators would see.
 */
import { STATE_H, STATE_W, WINDOW_H, WINDOW_W } from '../sim/constants.ts';
import { newCamera, setCamera } from './camera.ts';
import { drawPolygon, type PolygonRule } from './drawPolygon.ts';
import { aaPolygon, filledPolygon } from './gfxPolygon.ts';
import { hudQuads } from './hud.ts';
import type { ObservationScene } from './observationScene.ts';
import { newCanvas, type RgbCanvas } from './rgbCanvas.ts';
import { blitTextStrip, formatScore, renderTextStrip } from './scoreText.ts';
import { buildShapes, newShapeList, SHAPE_GFX, type Culling } from './shapes.ts';
import { smoothscale } from './smoothscale.ts';

export interface ReferenceOptions {
  polygonRule?: PolygonRule;
  culling?: Culling;
}

function flipVertical(canvas: RgbCanvas): void {
  const row = canvas.width * 3;
  const tmp = new Uint8Array(row);
  const d = canvas.data;
  for (let top = 0, bottom = canvas.height - 1; top < bottom; top++, bottom--) {
    tmp.set(d.subarray(top * row, top * row + row));
    d.copyWithin(top * row, bottom * row, bottom * row + row);
    d.set(tmp, bottom * row);
  }
}

/** The full 1000x800 state canvas (after flip, HUD and score text), before the downscale. */
export function renderV3Canvas(scene: ObservationScene, options: ReferenceOptions = {}): RgbCanvas {
  const rule = options.polygonRule ?? 'pygame2.6';
  const canvas = newCanvas(WINDOW_W, WINDOW_H);
  const cam = setCamera(
    newCamera(),
    scene.t,
    -scene.ego.hullAngle,
    scene.ego.hullTransform.px,
    scene.ego.hullTransform.py,
  );
  const shapes = buildShapes(scene, cam, options.culling ?? 'gymnasium', newShapeList());
  for (let k = 0; k < shapes.count; k++) {
    const vx = shapes.vx.subarray(shapes.start[k], shapes.start[k] + shapes.size[k]);
    const vy = shapes.vy.subarray(shapes.start[k], shapes.start[k] + shapes.size[k]);
    if (shapes.kind[k] === SHAPE_GFX) {
      aaPolygon(canvas, vx, vy, vx.length, shapes.color[k]);
      filledPolygon(canvas, vx, vy, vx.length, shapes.color[k]);
    } else {
      drawPolygon(canvas, vx, vy, vx.length, shapes.color[k], rule);
    }
  }
  flipVertical(canvas);
  const hud = hudQuads(scene.ego, true);
  const ix = new Int32Array(4);
  const iy = new Int32Array(4);
  for (let k = 0; k < hud.count; k++) {
    for (let i = 0; i < 4; i++) {
      ix[i] = Math.trunc(hud.xs[k * 4 + i]);
      iy[i] = Math.trunc(hud.ys[k * 4 + i]);
    }
    drawPolygon(canvas, ix, iy, 4, hud.colors[k], rule);
  }
  blitTextStrip(canvas, renderTextStrip(formatScore(scene.hudReward)));
  return canvas;
}

/** Reference v3 observation: 96x96x3 bytes. */
export function renderV3Reference(
  scene: ObservationScene,
  options: ReferenceOptions = {},
  out?: Uint8Array,
): Uint8Array {
  return smoothscale(renderV3Canvas(scene, options), STATE_W, STATE_H, out);
}
