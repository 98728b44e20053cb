import type { CarPhysicsState } from '../sim/simulation.ts';
import { nearestTrackPoint } from '../sim/trackNearest.ts';
import type { TrackPoint } from '../sim/trackTypes.ts';

/** Continuous CarRacing action: [steer (+1 = right), gas, brake]. */
export type ContinuousAction = [number, number, number];

export const BOT_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type BotDifficulty = (typeof BOT_DIFFICULTIES)[number];

/** What a bot may look at: the hull's pose and velocity (no pixels). */
export interface BotCarView {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
  readonly vx: number;
  readonly vy: number;
}

/** The part of a car's physics state a bot looks at. */
export function botCarViewOf(state: CarPhysicsState): BotCarView {
  return {
    x: state.hullPosition[0],
    y: state.hullPosition[1],
    angle: state.hullAngle,
    vx: state.hullLinearVelocity[0],
    vy: state.hullLinearVelocity[1],
  };
}

export interface PurePursuitTuning {
  /** Look-ahead distance = base + gain · speed (world units, speed in units/s). */
  readonly lookaheadBase: number;
  readonly lookaheadPerSpeed: number;
  /** Highest target speed on a straight, units/s (the car tops out near 100). */
  readonly maxSpeed: number;
  /** Lowest target speed, also the speed used to recover after a spin or off the road. */
  readonly minSpeed: number;
  /** Lateral acceleration the bot dares in a corner: corner speed = sqrt(this / curvature), units/s². */
  readonly cornerAccel: number;
  /** Deceleration the bot plans with before a corner, units/s². */
  readonly brakeAccel: number;
}

/**
 * Tunings per difficulty: harder bots carry more speed into corners and brake later. Measured
 * with `npm run bench:bots` (one lap alone, 100 random seeds, 1000 ticks).
 */
export const BOT_TUNINGS: Readonly<Record<BotDifficulty, PurePursuitTuning>> = {
  easy: { lookaheadBase: 8, lookaheadPerSpeed: 0.25, maxSpeed: 58, minSpeed: 17, cornerAccel: 90, brakeAccel: 35 },
  medium: { lookaheadBase: 8, lookaheadPerSpeed: 0.25, maxSpeed: 65, minSpeed: 18, cornerAccel: 100, brakeAccel: 40 },
  hard: { lookaheadBase: 8, lookaheadPerSpeed: 0.25, maxSpeed: 95, minSpeed: 20, cornerAccel: 150, brakeAccel: 60 },
};

/** Distance between front and rear axle (wheel centres at y = +80 and −82, ×SIZE). */
const WHEELBASE = (80 + 82) * 0.02;
/** Steering joint limit: a full steer command turns the wheels 0.4 rad. */
const MAX_STEER_RAD = 0.4;
/** Track points either side whose heading change gives a point's curvature. */
const CURVATURE_HALF_WINDOW = 2;
/** Beyond this heading error (rad) against the road, the car is spinning or turned round. */
const LOST_HEADING_RAD = 1.2;
/** Beyond this distance from the centre line the car is off the road (the road is 13.3 wide). */
const OFF_ROAD_DISTANCE = 8;

/**
 * A scripted driver that follows the track centre line: pure-pursuit steering towards a point
 * ahead, and a target speed that lets it brake from any point ahead down to that point's corner
 * speed. Keeps the index of the nearest track point between calls, so one instance drives one car.
 */
export class PurePursuitBot {
  private nearest = -1;
  /** Highest speed the bot takes through each track point. */
  private readonly cornerSpeed: Float64Array;
  /** Distance from each point to the next. */
  private readonly segment: Float64Array;
  /** Points ahead over which braking is planned (enough to stop from maxSpeed). */
  private readonly horizon: number;

  constructor(
    private readonly points: readonly TrackPoint[],
    private readonly tuning: PurePursuitTuning = BOT_TUNINGS.medium,
  ) {
    const n = points.length;
    this.segment = new Float64Array(n);
    this.cornerSpeed = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const a = points[i];
      const b = points[(i + 1) % n];
      this.segment[i] = Math.hypot(b.x - a.x, b.y - a.y);
      total += this.segment[i];
    }
    const step = total / n;
    for (let i = 0; i < n; i++) {
      const before = points[(i - CURVATURE_HALF_WINDOW + n) % n].beta;
      const after = points[(i + CURVATURE_HALF_WINDOW) % n].beta;
      const curvature = Math.abs(wrapAngle(after - before)) / (2 * CURVATURE_HALF_WINDOW * step);
      this.cornerSpeed[i] = Math.min(tuning.maxSpeed, Math.sqrt(tuning.cornerAccel / Math.max(curvature, 1e-9)));
    }
    const stopDistance = (tuning.maxSpeed * tuning.maxSpeed) / (2 * tuning.brakeAccel);
    this.horizon = Math.min(n, Math.ceil(stopDistance / step) + 1);
  }

  act(car: BotCarView): ContinuousAction {
    const pts = this.points;
    const n = pts.length;
    this.nearest = this.nearest < 0 ? nearestTrackPoint(pts, car.x, car.y, 0, n) : this.trackNearest(car);
    const speed = Math.hypot(car.vx, car.vy);
    const here = pts[this.nearest];

    const lookahead = this.tuning.lookaheadBase + this.tuning.lookaheadPerSpeed * speed;
    const target = pts[this.pointAhead(lookahead)];
    const dx = target.x - car.x;
    const dy = target.y - car.y;
    const sin = Math.sin(car.angle);
    const cos = Math.cos(car.angle);
    const right = cos * dx + sin * dy;
    const forward = -sin * dx + cos * dy;
    const distSq = right * right + forward * forward;
    const wheelAngle = Math.atan((2 * WHEELBASE * right) / Math.max(distSq, 1e-6));
    const steer = clamp(forward < 0 ? Math.sign(right) || 1 : wheelAngle / MAX_STEER_RAD, -1, 1);

    // The hull's angle is the road's heading `beta` when the car points along the track.
    const headingError = Math.abs(wrapAngle(car.angle - here.beta));
    const lost = headingError > LOST_HEADING_RAD || Math.hypot(here.x - car.x, here.y - car.y) > OFF_ROAD_DISTANCE;
    const targetSpeed = lost ? this.tuning.minSpeed : this.targetSpeed();
    const error = targetSpeed - speed;
    // Less gas while steering hard: a spinning rear axle loses its side grip.
    const gas = error > 0 ? clamp(error / 10, 0.1, 1) * (1 - 0.6 * Math.abs(steer)) : 0;
    const brake = error < -5 ? clamp(-error / 30, 0, 0.9) : 0;
    return [steer, gas, brake];
  }

  /** The highest speed now from which every point ahead can be reached at its corner speed. */
  private targetSpeed(): number {
    const n = this.points.length;
    const a2 = 2 * this.tuning.brakeAccel;
    let best = this.cornerSpeed[this.nearest];
    let distance = 0;
    for (let k = 1; k < this.horizon; k++) {
      distance += this.segment[(this.nearest + k - 1) % n];
      const v = this.cornerSpeed[(this.nearest + k) % n];
      const reachable = Math.sqrt(v * v + a2 * distance);
      if (reachable < best) best = reachable;
    }
    return Math.max(this.tuning.minSpeed, best);
  }

  private pointAhead(distance: number): number {
    const n = this.points.length;
    let i = this.nearest;
    let covered = 0;
    for (let k = 0; k < n && covered < distance; k++) {
      covered += this.segment[i];
      i = (i + 1) % n;
    }
    return i === this.nearest ? (i + 1) % n : i;
  }

  private trackNearest(car: BotCarView): number {
    const n = this.points.length;
    const local = nearestTrackPoint(this.points, car.x, car.y, this.nearest - 10, 31);
    const p = this.points[local];
    if ((p.x - car.x) ** 2 + (p.y - car.y) ** 2 < 15 ** 2) return local;
    return nearestTrackPoint(this.points, car.x, car.y, 0, n);
  }
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
