/**
 * The v3 canvas content as a flat list of integer polygons in drawing order (spec §8.2):
 * background, grass patches, road polygons (all "gfx": AA outline + filled_polygon), then every
 * car's wheels, wheel stripes and hull ("draw": pygame.draw.polygon). Canvas coordinates are
 * pre-flip (y-down, car at (500, 200)). Shared by the reference and the fast renderer.
 */
import {
  GRASS_DIM,
  HULL_POLY1,
  HULL_POLY2,
  HULL_POLY3,
  HULL_POLY4,
  MAX_SHAPE_DIM,
  PLAYFIELD,
  SIZE,
  WHEEL_POLY,
  WHEEL_R,
  WHEEL_W,
  WHEEL_WHITE,
  WINDOW_H,
  WINDOW_W,
  type Vec2Tuple,
} from '../sim/constants.ts';
import { writeWheelStripe } from './wheelStripe.ts';
import { b2MulX, b2MulY, canvasX, canvasY, type Camera } from './camera.ts';
import type { BodyTransform, CarRenderState, ObservationScene } from './observationScene.ts';
import type { RoadDrawList } from '../sim/trackTypes.ts';
import { toInt16 } from './gfxPolygon.ts';

export const SHAPE_GFX = 0;
export const SHAPE_DRAW = 1;

export interface ShapeList {
  count: number;
  kind: Uint8Array;
  color: Int32Array;
  /** First vertex index of each shape in vx / vy. */
  start: Int32Array;
  /** Vertex count of each shape. */
  size: Uint8Array;
  /** Integer bounding box of each shape. */
  minX: Int32Array;
  maxX: Int32Array;
  minY: Int32Array;
  maxY: Int32Array;
  vx: Int32Array;
  vy: Int32Array;
  nVerts: number;
}

export function newShapeList(capacity = 1024): ShapeList {
  return {
    count: 0,
    kind: new Uint8Array(capacity),
    color: new Int32Array(capacity),
    start: new Int32Array(capacity),
    size: new Uint8Array(capacity),
    minX: new Int32Array(capacity),
    maxX: new Int32Array(capacity),
    minY: new Int32Array(capacity),
    maxY: new Int32Array(capacity),
    vx: new Int32Array(capacity * 4),
    vy: new Int32Array(capacity * 4),
    nVerts: 0,
  };
}

function grow(list: ShapeList, shapes: number, verts: number): void {
  if (list.count + shapes > list.kind.length) {
    const cap = Math.max(list.kind.length * 2, list.count + shapes);
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    list.kind = g8(list.kind);
    list.size = g8(list.size);
    list.color = g32(list.color);
    list.start = g32(list.start);
    list.minX = g32(list.minX);
    list.maxX = g32(list.maxX);
    list.minY = g32(list.minY);
    list.maxY = g32(list.maxY);
  }
  if (list.nVerts + verts > list.vx.length) {
    const cap = Math.max(list.vx.length * 2, list.nVerts + verts);
    const vx = new Int32Array(cap);
    vx.set(list.vx);
    const vy = new Int32Array(cap);
    vy.set(list.vy);
    list.vx = vx;
    list.vy = vy;
  }
}

/** How shapes outside the canvas are skipped: Gymnasium's rule or the (tighter) exact bbox test. */
export type Culling = 'gymnasium' | 'bbox';

/** Scratch for one polygon's float canvas coordinates. */
const fx = new Float64Array(16);
const fy = new Float64Array(16);

function gymnasiumVisible(n: number): boolean {
  for (let i = 0; i < n; i++) {
    if (
      -MAX_SHAPE_DIM <= fx[i] &&
      fx[i] <= WINDOW_W + MAX_SHAPE_DIM &&
      -MAX_SHAPE_DIM <= fy[i] &&
      fy[i] <= WINDOW_H + MAX_SHAPE_DIM
    ) {
      return true;
    }
  }
  return false;
}

/** Appends the polygon in fx/fy (n vertices), converting to ints; false if culled by bbox. */
function emit(list: ShapeList, kind: number, color: number, n: number, bboxCull: boolean): boolean {
  grow(list, 1, n);
  const v0 = list.nVerts;
  let minX = 0x7fffffff;
  let maxX = -0x7fffffff;
  let minY = 0x7fffffff;
  let maxY = -0x7fffffff;
  for (let i = 0; i < n; i++) {
    // gfx: int() then Sint16; draw.polygon: (int) of the double.
    const x = kind === SHAPE_GFX ? toInt16(Math.trunc(fx[i])) : Math.trunc(fx[i]);
    const y = kind === SHAPE_GFX ? toInt16(Math.trunc(fy[i])) : Math.trunc(fy[i]);
    list.vx[v0 + i] = x;
    list.vy[v0 + i] = y;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (bboxCull && (maxX < 0 || minX >= WINDOW_W || maxY < 0 || minY >= WINDOW_H)) return false;
  const k = list.count++;
  list.kind[k] = kind;
  list.color[k] = color;
  list.start[k] = v0;
  list.size[k] = n;
  list.minX[k] = minX;
  list.maxX[k] = maxX;
  list.minY[k] = minY;
  list.maxY[k] = maxY;
  list.nVerts += n;
  return true;
}

function worldPoly(cam: Camera, n: number, wx: ArrayLike<number>, wy: ArrayLike<number>): void {
  for (let i = 0; i < n; i++) {
    fx[i] = canvasX(cam, wx[i], wy[i]);
    fy[i] = canvasY(cam, wx[i], wy[i]);
  }
}

const qx = new Float64Array(4);
const qy = new Float64Array(4);

/** int() of a (possibly float) colour, packed. */
export function colorOf(r: number, g: number, b: number): number {
  return ((Math.trunc(r) & 255) << 16) | ((Math.trunc(g) & 255) << 8) | (Math.trunc(b) & 255);
}

export function addBackground(list: ShapeList, cam: Camera, scene: ObservationScene, culling: Culling): void {
  const B = PLAYFIELD;
  qx[0] = B;
  qy[0] = B;
  qx[1] = B;
  qy[1] = -B;
  qx[2] = -B;
  qy[2] = -B;
  qx[3] = -B;
  qy[3] = B;
  worldPoly(cam, 4, qx, qy);
  const c = scene.bgColor;
  emit(list, SHAPE_GFX, colorOf(c[0], c[1], c[2]), 4, culling === 'bbox');
}

/** One grass patch (gx, gy even in [-20, 18]). */
export function addGrass(list: ShapeList, cam: Camera, color: number, gx: number, gy: number, culling: Culling): void {
  const G = GRASS_DIM;
  qx[0] = G * gx + G;
  qy[0] = G * gy + 0;
  qx[1] = G * gx + 0;
  qy[1] = G * gy + 0;
  qx[2] = G * gx + 0;
  qy[2] = G * gy + G;
  qx[3] = G * gx + G;
  qy[3] = G * gy + G;
  worldPoly(cam, 4, qx, qy);
  if (culling === 'gymnasium' && !gymnasiumVisible(4)) return;
  emit(list, SHAPE_GFX, color, 4, culling === 'bbox');
}

/** Colour of road polygon i as drawn now: the road colour for tiles in `tileInRoadColor`. */
export function roadPolyColor(scene: ObservationScene, i: number): number {
  const road = scene.road;
  const tile = road.tileIndex[i];
  if (tile >= 0 && scene.tileInRoadColor[tile]) {
    const c = scene.roadColor;
    return colorOf(c[0], c[1], c[2]);
  }
  return colorOf(road.colors[i * 3], road.colors[i * 3 + 1], road.colors[i * 3 + 2]);
}

export function addRoadPoly(list: ShapeList, cam: Camera, scene: ObservationScene, i: number, culling: Culling): void {
  const v = scene.road.vertices;
  const o = i * 8;
  qx[0] = v[o];
  qy[0] = v[o + 1];
  qx[1] = v[o + 2];
  qy[1] = v[o + 3];
  qx[2] = v[o + 4];
  qy[2] = v[o + 5];
  qx[3] = v[o + 6];
  qy[3] = v[o + 7];
  worldPoly(cam, 4, qx, qy);
  if (culling === 'gymnasium' && !gymnasiumVisible(4)) return;
  emit(list, SHAPE_GFX, roadPolyColor(scene, i), 4, culling === 'bbox');
}

/** Fixture vertices in world units, float32 as Box2D stores them. */
function fixture(poly: readonly Vec2Tuple[]): Float32Array {
  const out = new Float32Array(poly.length * 2);
  poly.forEach(([x, y], i) => {
    out[i * 2] = x * SIZE;
    out[i * 2 + 1] = y * SIZE;
  });
  return out;
}

const HULL_FIXTURES = [fixture(HULL_POLY1), fixture(HULL_POLY2), fixture(HULL_POLY3), fixture(HULL_POLY4)];
const WHEEL_FIXTURE = fixture(WHEEL_POLY);
const WHITE = colorOf(WHEEL_WHITE[0], WHEEL_WHITE[1], WHEEL_WHITE[2]);

function bodyPoly(cam: Camera, t: BodyTransform, verts: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) {
    const vx = verts[i * 2];
    const vy = verts[i * 2 + 1];
    const wx = b2MulX(t.c, t.s, t.px, vx, vy);
    const wy = b2MulY(t.c, t.s, t.py, vx, vy);
    fx[i] = canvasX(cam, wx, wy);
    fy[i] = canvasY(cam, wx, wy);
  }
}

const stripe = new Float32Array(8);

/** Largest distance of a fixture vertex from its body's origin, world units. */
function radiusOf(verts: ArrayLike<number>): number {
  let r = 0;
  for (let i = 0; i < verts.length; i += 2) r = Math.max(r, Math.hypot(verts[i], verts[i + 1]));
  return r;
}

/** Bounds of the hull's fixtures and of a wheel with its stripe (|stripe y| <= WHEEL_R * SIZE). */
const HULL_RADIUS = Math.max(...HULL_FIXTURES.map(radiusOf));
const WHEEL_RADIUS = Math.max(radiusOf(WHEEL_FIXTURE), Math.hypot(WHEEL_W * SIZE, WHEEL_R * SIZE));

/**
 * True when every vertex of a body at (px, py) within `radius` world units of its origin lands
 * left of canvas x = -1, right of x = WINDOW_W, above y = -1 or below y = WINDOW_H (all on the
 * same side): each of its polygons then has maxX < 0, minX >= WINDOW_W, maxY < 0 or
 * minY >= WINDOW_H after truncation, i.e. emit would cull it anyway. One world unit and two
 * pixels of margin cover the float32 rounding of b2Mul.
 */
function bodyOffCanvas(cam: Camera, px: number, py: number, radius: number): boolean {
  const x = canvasX(cam, px, py);
  const y = canvasY(cam, px, py);
  const m = cam.zoom * (radius + 1) + 2;
  return x + m < -1 || x - m > WINDOW_W || y + m < -1 || y - m > WINDOW_H;
}

/** A car as car_dynamics.draw: wheels (body + stripe) then the hull's fixtures. */
export function addCar(list: ShapeList, cam: Camera, car: CarRenderState, wheelColor: number): void {
  for (let w = 0; w < car.wheels.length; w++) {
    const wheel = car.wheels[w];
    // off the canvas: emit would cull the wheel and its stripe
    if (bodyOffCanvas(cam, wheel.transform.px, wheel.transform.py, WHEEL_RADIUS)) continue;
    bodyPoly(cam, wheel.transform, WHEEL_FIXTURE, 4);
    emit(list, SHAPE_DRAW, wheelColor, 4, true);
    if (!writeWheelStripe(wheel.phase, stripe)) continue;
    bodyPoly(cam, wheel.transform, stripe, 4);
    emit(list, SHAPE_DRAW, WHITE, 4, true);
  }
  if (bodyOffCanvas(cam, car.hullTransform.px, car.hullTransform.py, HULL_RADIUS)) return;
  const hc = car.hullColor;
  const hull = colorOf(hc[0], hc[1], hc[2]);
  for (const f of HULL_FIXTURES) {
    bodyPoly(cam, car.hullTransform, f, f.length / 2);
    emit(list, SHAPE_DRAW, hull, f.length / 2, true);
  }
}

/** World-space axis-aligned box around the canvas (plus a margin of `marginPx` pixels). */
export interface WorldBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function canvasWorldBox(cam: Camera, marginPx: number, out: WorldBox): WorldBox {
  // canvas = R(angle) p * zoom + trans  =>  p = R(-angle) ((canvas - trans) / zoom)
  const rot = cam.rot;
  const c = rot.mode === 4 ? rot.cos : [1, 0, -1, 0][rot.mode];
  const s = rot.mode === 4 ? rot.sin : [0, 1, 0, -1][rot.mode];
  out.minX = Infinity;
  out.minY = Infinity;
  out.maxX = -Infinity;
  out.maxY = -Infinity;
  for (let k = 0; k < 4; k++) {
    const X = (k & 1 ? WINDOW_W + marginPx : -marginPx) - cam.transX;
    const Y = (k & 2 ? WINDOW_H + marginPx : -marginPx) - cam.transY;
    const qx = X / cam.zoom;
    const qy = Y / cam.zoom;
    const px = c * qx + s * qy;
    const py = -s * qx + c * qy;
    if (px < out.minX) out.minX = px;
    if (px > out.maxX) out.maxX = px;
    if (py < out.minY) out.minY = py;
    if (py > out.maxY) out.maxY = py;
  }
  return out;
}

/** Uniform grid over a road's polygons, built once per RoadDrawList. */
interface RoadGrid {
  readonly cell: number;
  readonly x0: number;
  readonly y0: number;
  readonly nx: number;
  readonly ny: number;
  /** CSR: polygons of grid cell g are items[start[g] .. start[g + 1]). */
  readonly start: Int32Array;
  readonly items: Int32Array;
  readonly minX: Float64Array;
  readonly maxX: Float64Array;
  readonly minY: Float64Array;
  readonly maxY: Float64Array;
}

const roadGrids = new WeakMap<RoadDrawList, RoadGrid>();
const GRID_CELL = 10;

function roadGrid(road: RoadDrawList): RoadGrid {
  const cached = roadGrids.get(road);
  if (cached) return cached;
  const n = road.count;
  const minX = new Float64Array(n);
  const maxX = new Float64Array(n);
  const minY = new Float64Array(n);
  const maxY = new Float64Array(n);
  let gx0 = Infinity;
  let gy0 = Infinity;
  let gx1 = -Infinity;
  let gy1 = -Infinity;
  for (let i = 0; i < n; i++) {
    minX[i] = minY[i] = Infinity;
    maxX[i] = maxY[i] = -Infinity;
    for (let k = 0; k < 4; k++) {
      const x = road.vertices[i * 8 + k * 2];
      const y = road.vertices[i * 8 + k * 2 + 1];
      if (x < minX[i]) minX[i] = x;
      if (x > maxX[i]) maxX[i] = x;
      if (y < minY[i]) minY[i] = y;
      if (y > maxY[i]) maxY[i] = y;
    }
    gx0 = Math.min(gx0, minX[i]);
    gy0 = Math.min(gy0, minY[i]);
    gx1 = Math.max(gx1, maxX[i]);
    gy1 = Math.max(gy1, maxY[i]);
  }
  if (n === 0) gx0 = gy0 = gx1 = gy1 = 0;
  const nx = Math.max(1, Math.ceil((gx1 - gx0) / GRID_CELL) + 1);
  const ny = Math.max(1, Math.ceil((gy1 - gy0) / GRID_CELL) + 1);
  const counts = new Int32Array(nx * ny + 1);
  const range = (i: number, f: (g: number) => void) => {
    const ax = Math.floor((minX[i] - gx0) / GRID_CELL);
    const bx = Math.floor((maxX[i] - gx0) / GRID_CELL);
    const ay = Math.floor((minY[i] - gy0) / GRID_CELL);
    const by = Math.floor((maxY[i] - gy0) / GRID_CELL);
    for (let gy = ay; gy <= by; gy++) for (let gx = ax; gx <= bx; gx++) f(gy * nx + gx);
  };
  for (let i = 0; i < n; i++) range(i, (g) => counts[g + 1]++);
  for (let g = 0; g < nx * ny; g++) counts[g + 1] += counts[g];
  const items = new Int32Array(counts[nx * ny]);
  const fill = counts.slice();
  for (let i = 0; i < n; i++) range(i, (g) => (items[fill[g]++] = i));
  const grid = { cell: GRID_CELL, x0: gx0, y0: gy0, nx, ny, start: counts, items, minX, maxX, minY, maxY };
  roadGrids.set(road, grid);
  return grid;
}

let roadStamp = new Uint32Array(0);
let stampValue = 0;
let candidates = new Int32Array(1024);

/**
 * Indices of the road polygons whose world bounding box meets `box`, ascending (drawing order).
 * Returns the count; the indices are in the returned array.
 */
function roadCandidates(road: RoadDrawList, box: WorldBox): { list: Int32Array; count: number } {
  const grid = roadGrid(road);
  if (roadStamp.length < road.count) roadStamp = new Uint32Array(road.count);
  if (candidates.length < road.count) candidates = new Int32Array(road.count);
  stampValue = (stampValue + 1) >>> 0;
  if (stampValue === 0) {
    roadStamp.fill(0);
    stampValue = 1;
  }
  let count = 0;
  const ax = Math.max(0, Math.floor((box.minX - grid.x0) / grid.cell));
  const bx = Math.min(grid.nx - 1, Math.floor((box.maxX - grid.x0) / grid.cell));
  const ay = Math.max(0, Math.floor((box.minY - grid.y0) / grid.cell));
  const by = Math.min(grid.ny - 1, Math.floor((box.maxY - grid.y0) / grid.cell));
  for (let gy = ay; gy <= by; gy++) {
    for (let gx = ax; gx <= bx; gx++) {
      const g = gy * grid.nx + gx;
      for (let k = grid.start[g]; k < grid.start[g + 1]; k++) {
        const i = grid.items[k];
        if (roadStamp[i] === stampValue) continue;
        roadStamp[i] = stampValue;
        if (grid.maxX[i] < box.minX || grid.minX[i] > box.maxX || grid.maxY[i] < box.minY || grid.minY[i] > box.maxY)
          continue;
        candidates[count++] = i;
      }
    }
  }
  candidates.subarray(0, count).sort();
  return { list: candidates, count };
}

const viewBox: WorldBox = { minX: 0, minY: 0, maxX: 0, maxY: 0 };

/**
 * The shapes of a v3 frame that can reach the canvas: only the grass patches and road polygons
 * near the view are transformed (a polygon more than a few pixels outside the canvas draws
 * nothing, so skipping it is exact), then the exact integer bounding-box test is applied.
 */
export function buildVisibleShapes(scene: ObservationScene, cam: Camera, list: ShapeList): ShapeList {
  list.count = 0;
  list.nVerts = 0;
  addBackground(list, cam, scene, 'bbox');
  const box = canvasWorldBox(cam, 16, viewBox);
  const gc = scene.grassColor;
  const grass = colorOf(gc[0], gc[1], gc[2]);
  const G = GRASS_DIM;
  for (let gx = -20; gx < 20; gx += 2) {
    if (G * gx + G < box.minX || G * gx > box.maxX) continue;
    for (let gy = -20; gy < 20; gy += 2) {
      if (G * gy + G < box.minY || G * gy > box.maxY) continue;
      addGrass(list, cam, grass, gx, gy, 'bbox');
    }
  }
  const cand = roadCandidates(scene.road, box);
  for (let k = 0; k < cand.count; k++) addRoadPoly(list, cam, scene, cand.list[k], 'bbox');
  for (const car of scene.cars) addCar(list, cam, car, 0x000000);
  return list;
}

/**
 * All pre-flip shapes of a v3 frame, straightforwardly (every grass patch and road polygon is
 * transformed, then culled).
 */
export function buildShapes(scene: ObservationScene, cam: Camera, culling: Culling, list: ShapeList): ShapeList {
  list.count = 0;
  list.nVerts = 0;
  addBackground(list, cam, scene, culling);
  const gc = scene.grassColor;
  const grass = colorOf(gc[0], gc[1], gc[2]);
  for (let gx = -20; gx < 20; gx += 2) {
    for (let gy = -20; gy < 20; gy += 2) addGrass(list, cam, grass, gx, gy, culling);
  }
  for (let i = 0; i < scene.road.count; i++) addRoadPoly(list, cam, scene, i, culling);
  for (const car of scene.cars) addCar(list, cam, car, 0x000000);
  return list;
}
