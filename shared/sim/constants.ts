/**
 * Constants of Gymnasium's CarRacing (car_racing.py and car_dynamics.py), spec §2.
 * Derived values use the same expression and operand order as the Python source so that
 * the doubles are identical (e.g. PLAYFIELD = 2000 / SCALE = 333.3333333333333).
 */

/** Observation width and height in pixels. */
export const STATE_W = 96;
export const STATE_H = 96;
/** Internal pygame canvas size (v3 draws here, then smooth-scales to 96x96). */
export const WINDOW_W = 1000;
export const WINDOW_H = 800;

export const SCALE = 6.0;
export const TRACK_RAD = 900 / SCALE;
export const PLAYFIELD = 2000 / SCALE;
/** Simulation steps per second; one step advances the world by 1 / FPS seconds. */
export const FPS = 50;
export const TICK_SECONDS = 1.0 / FPS;
export const ZOOM = 2.7;
export const TRACK_DETAIL_STEP = 21 / SCALE;
export const TRACK_TURN_RATE = 0.31;
/** Half-width of the road. */
export const TRACK_WIDTH = 40 / SCALE;
/** Kerb width. */
export const BORDER = 8 / SCALE;
export const BORDER_MIN_COUNT = 4;
export const GRASS_DIM = PLAYFIELD / 20.0;
export const MAX_SHAPE_DIM = Math.max(GRASS_DIM, TRACK_WIDTH, TRACK_DETAIL_STEP) * Math.sqrt(2) * ZOOM * SCALE;
export const CHECKPOINTS = 12;
/** Fraction of tiles that must be visited before crossing tile 0 counts as a lap (v1+). */
export const LAP_COMPLETE_PERCENT = 0.95;
/** Gymnasium's TimeLimit for CarRacing-v3. */
export const MAX_EPISODE_STEPS = 1000;

// car_dynamics.py
export const SIZE = 0.02;
export const ENGINE_POWER = 100000000 * SIZE * SIZE;
export const WHEEL_MOMENT_OF_INERTIA = 4000 * SIZE * SIZE;
export const FRICTION_LIMIT = 1000000 * SIZE * SIZE;
export const TYRE_FORCE_GAIN = 205000 * SIZE * SIZE;
export const WHEEL_R = 27;
export const WHEEL_W = 14;
export const BRAKE_FORCE = 15;
export const STEERING_MAX_MOTOR_TORQUE = 180 * 900 * SIZE * SIZE;

export type Vec2Tuple = readonly [number, number];

export const HULL_POLY1: readonly Vec2Tuple[] = [
  [-60, +130],
  [+60, +130],
  [+60, +110],
  [-60, +110],
];
export const HULL_POLY2: readonly Vec2Tuple[] = [
  [-15, +120],
  [+15, +120],
  [+20, +20],
  [-20, +20],
];
export const HULL_POLY3: readonly Vec2Tuple[] = [
  [+25, +20],
  [+50, -10],
  [+50, -40],
  [+20, -90],
  [-20, -90],
  [-50, -40],
  [-50, -10],
  [-25, +20],
];
export const HULL_POLY4: readonly Vec2Tuple[] = [
  [-50, -120],
  [+50, -120],
  [+50, -90],
  [-50, -90],
];
export const WHEEL_POLY: readonly Vec2Tuple[] = [
  [-WHEEL_W, +WHEEL_R],
  [+WHEEL_W, +WHEEL_R],
  [+WHEEL_W, -WHEEL_R],
  [-WHEEL_W, -WHEEL_R],
];
/** Wheel centres in the hull frame: 0 front-left, 1 front-right, 2 rear-left, 3 rear-right. */
export const WHEELPOS: readonly Vec2Tuple[] = [
  [-55, +80],
  [+55, +80],
  [-55, -82],
  [+55, -82],
];

export type Rgb = readonly [number, number, number];

/** v1+ default colours (integers); v0 uses the float equivalents 0.4, 0.8, 0.9. */
export const DEFAULT_ROAD_COLOR: Rgb = [102, 102, 102];
export const DEFAULT_BG_COLOR: Rgb = [102, 204, 102];
export const DEFAULT_GRASS_COLOR: Rgb = [102, 230, 102];
/** Hull colour as pygame draws it: int(0.8 * 255) = 204. */
export const HULL_COLOR: Rgb = [204, 0, 0];
export const WHEEL_COLOR: Rgb = [0, 0, 0];
export const WHEEL_WHITE: Rgb = [77, 77, 77];
export const MUD_COLOR: Rgb = [102, 102, 0];
