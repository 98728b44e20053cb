/**
 * Camera of the v3 (pygame) and v0 (pyglet) observation renderers, spec §8.1 and §9.1.
 *
 * World point p -> canvas point: q = rot(p, angle); canvas = (q.x * zoom + transX, q.y * zoom + transY).
 * The v3 canvas is y-down before the flip (pygame draws world y straight into surface rows).
 */
import { SCALE, WINDOW_H, WINDOW_W, ZOOM } from '../sim/constants.ts';

const TWO_PI = 2 * Math.PI;
const HALF_PI = Math.PI / 2;
/** pygame Vector2's default epsilon. */
const VECTOR_EPSILON = 1e-6;

/** How `rotate_rad` turns a vector for one angle: exact quarter turns or the general cos/sin form. */
export interface Rotation {
  /** 0..3: exact quarter turn k * 90 degrees; 4: general (cos, sin). */
  mode: number;
  cos: number;
  sin: number;
}

export function makeRotation(angle: number, out: Rotation = { mode: 0, cos: 1, sin: 0 }): Rotation {
  // pygame's _vector2_rotate_helper: fmod into [0, 2pi), then the quarter-turn special case.
  let a = angle % TWO_PI;
  if (a < 0) a += TWO_PI;
  if ((a + VECTOR_EPSILON) % HALF_PI < 2 * VECTOR_EPSILON) {
    const k = Math.trunc((a + VECTOR_EPSILON) / HALF_PI);
    out.mode = k === 4 ? 0 : k;
    out.cos = 1;
    out.sin = 0;
  } else {
    out.mode = 4;
    out.sin = Math.sin(a);
    out.cos = Math.cos(a);
  }
  return out;
}

export function rotateX(rot: Rotation, x: number, y: number): number {
  switch (rot.mode) {
    case 0:
      return x;
    case 1:
      return -y;
    case 2:
      return -x;
    case 3:
      return y;
    default:
      return rot.cos * x - rot.sin * y;
  }
}

export function rotateY(rot: Rotation, x: number, y: number): number {
  switch (rot.mode) {
    case 0:
      return y;
    case 1:
      return x;
    case 2:
      return -y;
    case 3:
      return -x;
    default:
      return rot.sin * x + rot.cos * y;
  }
}

export interface Camera {
  rot: Rotation;
  zoom: number;
  transX: number;
  transY: number;
}

export function newCamera(): Camera {
  return { rot: { mode: 0, cos: 0.5, sin: 0.5 }, zoom: 0.5, transX: 0.5, transY: 0.5 };
}

/** Zoom of the first-second zoom-in animation (spec §8.1): same expression in v3 and v0. */
export function cameraZoom(t: number): number {
  return 0.1 * SCALE * Math.max(1 - t, 0) + ZOOM * SCALE * Math.min(t, 1);
}

/**
 * Sets up the camera for view angle `angle` (v3: -hull.angle) centred on the car origin (cx, cy).
 * The car origin lands at canvas (WINDOW_W / 2, WINDOW_H / 4).
 */
export function setCamera(cam: Camera, t: number, angle: number, cx: number, cy: number): Camera {
  const zoom = cameraZoom(t);
  makeRotation(angle, cam.rot);
  const scrollX = -cx * zoom;
  const scrollY = -cy * zoom;
  cam.zoom = zoom;
  cam.transX = WINDOW_W / 2 + rotateX(cam.rot, scrollX, scrollY);
  cam.transY = WINDOW_H / 4 + rotateY(cam.rot, scrollX, scrollY);
  return cam;
}

export function canvasX(cam: Camera, x: number, y: number): number {
  return rotateX(cam.rot, x, y) * cam.zoom + cam.transX;
}

export function canvasY(cam: Camera, x: number, y: number): number {
  return rotateY(cam.rot, x, y) * cam.zoom + cam.transY;
}

const f32 = Math.fround;

/** Box2D b2Mul(transform, v) in float32: x = (c*vx - s*vy) + px, y = (s*vx + c*vy) + py. */
export function b2MulX(c: number, s: number, px: number, vx: number, vy: number): number {
  return f32(f32(f32(c * vx) - f32(s * vy)) + px);
}

export function b2MulY(c: number, s: number, py: number, vx: number, vy: number): number {
  return f32(f32(f32(s * vx) + f32(c * vy)) + py);
}
