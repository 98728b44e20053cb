/**
 * CarRacing-v0 observation (gym <= 0.21, pyglet/OpenGL), spec §9.1-9.2: the scene is rasterised
 * directly into the 96x96 viewport, aliased, pixel-centre sampling, no smoothscale.
 *
 * - Camera: the v3 zoom and car placement, but the view turns to the velocity direction
 *   (atan2(vx, vy)) when the hull speed exceeds 0.5.
 * - Transform as OpenGL does it: modelview = translate * rotate(degrees) * scale, in float32;
 *   orthographic 1000x800 window -> 96x96 viewport (x * 0.096, y * 0.12); window coordinates
 *   snapped to 1/256 pixel (llvmpipe's sub-pixel precision).
 * - Coverage: a pixel is drawn when its centre is inside the (convex) polygon; centres exactly on
 *   an edge follow the top-left rule in the framebuffer's bottom-up row order.
 * - Colours are the 0..1 floats given to OpenGL, converted to bytes as round-half-even of
 *   float32(c) * 255 (0.41 -> 105, 0.9 -> 230), with no darkening.
 * - The HUD is drawn in window coordinates with no 1e-4 threshold.
 * - The score label ("%04i", pyglet default system font, 36 pt at window (20, 50)) depends on the
 *   system's fonts and is NOT drawn: the label box (V0_LABEL_BOX) stays as the HUD bar left it.
 */
import { roundHalfEven } from '../numeric/roundHalfEven.ts';
import {
  GRASS_DIM,
  HULL_POLY1,
  HULL_POLY2,
  HULL_POLY3,
  HULL_POLY4,
  PLAYFIELD,
  SIZE,
  STATE_H,
  STATE_W,
  WHEEL_POLY,
  WINDOW_H,
  WINDOW_W,
  type Vec2Tuple,
} from '../sim/constants.ts';
import { writeWheelStripe } from './wheelStripe.ts';
import { b2MulX, b2MulY, cameraZoom, makeRotation, newCamera } from './camera.ts';
import { hudQuads, newHudQuads } from './hud.ts';
import type { BodyTransform, CarRenderState, ObservationScene } from './observationScene.ts';
import { canvasWorldBox, type WorldBox } from './shapes.ts';

const f32 = Math.fround;

/** Observation rows/cols (inclusive) where gym's score label would be; not reproduced. */
export const V0_LABEL_BOX = { rowLo: 85, rowHi: 94, colLo: 0, colHi: 15 } as const;

/** OpenGL float colour (0..1) -> byte: round-half-even of float32(c) * 255 in float32. */
export function glColorByte(c: number): number {
  const v = f32(f32(c) * 255);
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return roundHalfEven(v);
}

function glColor(r: number, g: number, b: number): number {
  return (glColorByte(r) << 16) | (glColorByte(g) << 8) | glColorByte(b);
}

// Modelview matrix (float32), set per frame.
let m0 = 1;
let m1 = 0;
let m4 = 0;
let m5 = 1;
let m12 = 0;
let m13 = 0;

/** glTranslatef(tx, ty) * glRotatef(deg, 0, 0, 1) * glScalef(z, z, 1), as float32 matrices. */
function setModelview(tx: number, ty: number, angle: number, zoom: number): void {
  const deg = f32((angle * 180) / Math.PI);
  const rad = f32((deg * Math.PI) / 180);
  const c = f32(Math.cos(rad));
  const s = f32(Math.sin(rad));
  const z = f32(zoom);
  m0 = f32(c * z);
  m1 = f32(s * z);
  m4 = f32(-s * z);
  m5 = f32(c * z);
  m12 = f32(tx);
  m13 = f32(ty);
}

// Polygon being rasterised: window coordinates in 1/256 pixel units (y up).
const px = new Float64Array(16);
const py = new Float64Array(16);

const SCALE_X = STATE_W / WINDOW_W;
const SCALE_Y = STATE_H / WINDOW_H;

function putWindowVertex(k: number, wx: number, wy: number): void {
  // orthographic projection and viewport transform in float32, then 8 sub-pixel bits
  const nx = f32(f32(wx) * f32(SCALE_X));
  const ny = f32(f32(wy) * f32(SCALE_Y));
  px[k] = Math.round(nx * 256);
  py[k] = Math.round(ny * 256);
}

function putWorldVertex(k: number, x: number, y: number): void {
  const vx = f32(x);
  const vy = f32(y);
  const ex = f32(f32(f32(m0 * vx) + f32(m4 * vy)) + m12);
  const ey = f32(f32(f32(m1 * vx) + f32(m5 * vy)) + m13);
  putWindowVertex(k, ex, ey);
}

/**
 * Fills the convex polygon px/py[0..n) (window coordinates, 1/256 px, y up) into the 96x96 RGB
 * image (row 0 at the top). Per pixel row, each edge bounds the pixel centres it admits; the
 * bounds are exact integer/rational comparisons of the edge functions.
 */
function fillConvex(out: Uint8Array, n: number, color: number): void {
  // signed area -> orientation (counter-clockwise in y-up is positive)
  let area = 0;
  let minY = Infinity;
  let maxY = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    area += px[i] * py[j] - px[j] * py[i];
    if (py[i] < minY) minY = py[i];
    if (py[i] > maxY) maxY = py[i];
    if (px[i] < minX) minX = px[i];
    if (px[i] > maxX) maxX = px[i];
  }
  if (area === 0) return;
  const sign = area > 0 ? 1 : -1;
  // rows whose pixel centre (y + 0.5) * 256 lies within the vertical extent
  let y0 = Math.ceil((minY - 128) / 256);
  let y1 = Math.floor((maxY - 128) / 256);
  if (y0 < 0) y0 = 0;
  if (y1 > STATE_H - 1) y1 = STATE_H - 1;
  if (y0 > y1 || maxX < 0 || minX > STATE_W * 256) return;
  const r = (color >> 16) & 255;
  const g = (color >> 8) & 255;
  const b = color & 255;
  for (let wy = y0; wy <= y1; wy++) {
    const cy = wy * 256 + 128;
    let lo = 0;
    let hi = STATE_W - 1;
    for (let i = 0; i < n && lo <= hi; i++) {
      const j = i + 1 === n ? 0 : i + 1;
      const ax = px[i];
      const ay = py[i];
      // inside: dx * (cy - ay) - dy * (cx - ax) > 0, with (dx, dy) the edge oriented
      // counter-clockwise; on the edge (= 0): "top" (dy = 0, dx > 0) and "left" (dy < 0) edges
      const dx = sign * (px[j] - ax);
      const dy = sign * (py[j] - ay);
      const K = dx * (cy - ay);
      if (dy === 0) {
        if (K > 0 || (K === 0 && dx > 0)) continue;
        lo = 1;
        hi = 0;
        break;
      }
      // cx = 256 * x + 128; u = cx - ax. dy > 0: u < K / dy. dy < 0: u >= K / dy.
      if (dy > 0) {
        // 256 x < K / dy + ax - 128  ->  x < (K + dy * (ax - 128)) / (256 dy)
        const xmax = Math.ceil((K + dy * (ax - 128)) / (256 * dy)) - 1;
        if (xmax < hi) hi = xmax;
      } else {
        const m = -dy;
        // 256 x >= -K / m + ax - 128  ->  x >= (-K + m * (ax - 128)) / (256 m)
        const xmin = Math.ceil((-K + m * (ax - 128)) / (256 * m));
        if (xmin > lo) lo = xmin;
      }
    }
    if (lo > hi) continue;
    let o = ((STATE_H - 1 - wy) * STATE_W + lo) * 3;
    for (let x = lo; x <= hi; x++, o += 3) {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
}

/** Test hook: fills a convex polygon given in window coordinates (1/256 px units, y up). */
export function fillConvexV0(
  out: Uint8Array,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  n: number,
  color: number,
): void {
  for (let i = 0; i < n; i++) {
    px[i] = xs[i];
    py[i] = ys[i];
  }
  fillConvex(out, n, color);
}

function fixtureOf(poly: readonly Vec2Tuple[]): Float32Array {
  const out = new Float32Array(poly.length * 2);
  poly.forEach(([x, y], i) => {
    out[i * 2] = x * SIZE;
    out[i * 2 + 1] = y * SIZE;
  });
  return out;
}

const HULL = [fixtureOf(HULL_POLY1), fixtureOf(HULL_POLY2), fixtureOf(HULL_POLY3), fixtureOf(HULL_POLY4)];
const WHEEL = fixtureOf(WHEEL_POLY);
const stripe = new Float32Array(8);
const STRIPE_COLOR = glColor(0.3, 0.3, 0.3);

function bodyPolygon(out: Uint8Array, t: BodyTransform, verts: ArrayLike<number>, n: number, color: number): void {
  for (let i = 0; i < n; i++) {
    const vx = verts[i * 2];
    const vy = verts[i * 2 + 1];
    putWorldVertex(i, b2MulX(t.c, t.s, t.px, vx, vy), b2MulY(t.c, t.s, t.py, vx, vy));
  }
  fillConvex(out, n, color);
}

function drawCar(out: Uint8Array, car: CarRenderState): void {
  for (const wheel of car.wheels) {
    bodyPolygon(out, wheel.transform, WHEEL, 4, 0);
    if (!writeWheelStripe(wheel.phase, stripe)) continue;
    bodyPolygon(out, wheel.transform, stripe, 4, STRIPE_COLOR);
  }
  const hc = car.hullColor;
  const color = glColor(hc[0] / 255, hc[1] / 255, hc[2] / 255);
  for (const f of HULL) bodyPolygon(out, car.hullTransform, f, f.length / 2, color);
}

const hud = newHudQuads();
const cullCam = newCamera();
const viewBox: WorldBox = { minX: 0, minY: 0, maxX: 0, maxY: 0 };

/** v0 observation of the scene, 96x96x3 bytes. */
export function renderV0(scene: ObservationScene, out: Uint8Array): Uint8Array {
  out.fill(0, 0, STATE_W * STATE_H * 3);
  const ego = scene.ego;
  const zoom = cameraZoom(scene.t);
  const sx = ego.hullTransform.px;
  const sy = ego.hullTransform.py;
  let angle = -ego.hullAngle;
  const vx = ego.hullLinearVelocity[0];
  const vy = ego.hullLinearVelocity[1];
  if (Math.sqrt(vx * vx + vy * vy) > 0.5) angle = Math.atan2(vx, vy);
  const tx = WINDOW_W / 2 - (sx * zoom * Math.cos(angle) - sy * zoom * Math.sin(angle));
  const ty = WINDOW_H / 4 - (sx * zoom * Math.sin(angle) + sy * zoom * Math.cos(angle));
  setModelview(tx, ty, angle, zoom);

  // background, grass, road (one GL_QUADS batch)
  const B = PLAYFIELD;
  const unit = (c: number) => c / 255;
  const bg = scene.bgColor;
  putWorldVertex(0, -B, +B);
  putWorldVertex(1, +B, +B);
  putWorldVertex(2, +B, -B);
  putWorldVertex(3, -B, -B);
  fillConvex(out, 4, glColor(unit(bg[0]), unit(bg[1]), unit(bg[2])));
  const gc = scene.grassColor;
  const grass = glColor(unit(gc[0]), unit(gc[1]), unit(gc[2]));
  // only what can reach the viewport (a polygon a few pixels outside draws nothing)
  cullCam.zoom = zoom;
  cullCam.transX = tx;
  cullCam.transY = ty;
  makeRotation(angle, cullCam.rot);
  const box = canvasWorldBox(cullCam, 32, viewBox);
  const k = GRASS_DIM;
  for (let x = -20; x < 20; x += 2) {
    if (k * x + k < box.minX || k * x > box.maxX) continue;
    for (let y = -20; y < 20; y += 2) {
      if (k * y + k < box.minY || k * y > box.maxY) continue;
      putWorldVertex(0, k * x + k, k * y + 0);
      putWorldVertex(1, k * x + 0, k * y + 0);
      putWorldVertex(2, k * x + 0, k * y + k);
      putWorldVertex(3, k * x + k, k * y + k);
      fillConvex(out, 4, grass);
    }
  }
  const road = scene.road;
  const rc = scene.roadColor;
  const roadColor = glColor(unit(rc[0]), unit(rc[1]), unit(rc[2]));
  const v = road.vertices;
  for (let i = 0; i < road.count; i++) {
    const o = i * 8;
    const rx0 = Math.min(v[o], v[o + 2], v[o + 4], v[o + 6]);
    const rx1 = Math.max(v[o], v[o + 2], v[o + 4], v[o + 6]);
    const ry0 = Math.min(v[o + 1], v[o + 3], v[o + 5], v[o + 7]);
    const ry1 = Math.max(v[o + 1], v[o + 3], v[o + 5], v[o + 7]);
    if (rx1 < box.minX || rx0 > box.maxX || ry1 < box.minY || ry0 > box.maxY) continue;
    for (let q = 0; q < 4; q++) putWorldVertex(q, v[o + q * 2], v[o + q * 2 + 1]);
    const tile = road.tileIndex[i];
    let color: number;
    if (tile >= 0 && scene.tileInRoadColor[tile]) color = roadColor;
    else if (road.unitColors)
      color = glColor(road.unitColors[i * 3], road.unitColors[i * 3 + 1], road.unitColors[i * 3 + 2]);
    else color = glColor(unit(road.colors[i * 3]), unit(road.colors[i * 3 + 1]), unit(road.colors[i * 3 + 2]));
    fillConvex(out, 4, color);
  }
  for (const car of scene.cars) drawCar(out, car);

  // HUD in window coordinates (y up), no threshold
  hudQuads(ego, false, hud);
  for (let q = 0; q < hud.count; q++) {
    for (let i = 0; i < 4; i++) putWindowVertex(i, hud.xs[q * 4 + i], WINDOW_H - hud.ys[q * 4 + i]);
    const c = hud.colors[q];
    const r = ((c >> 16) & 255) / 255;
    const g = ((c >> 8) & 255) / 255;
    const b = (c & 255) / 255;
    fillConvex(out, 4, glColor(r === 0.2 ? 0.2 : r, g, b));
  }
  return out;
}
