import { TRACK_DETAIL_STEP } from '../sim/constants.ts';
import type { CarPhysicsState } from '../sim/simulation.ts';
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
  /** Look-ahead distance = base + gain · speed (world units). */
  readonly lookaheadBase: number;
  readonly lookaheadPerSpeed: number;
  /** Highest target speed on a straight, units/s (the car tops out at 100). */
  readonly maxSpeed: number;
  /** Lowest target speed in a hairpin. */
  readonly minSpeed: number;
  /** Target speed is maxSpeed / (1 + cornerGain · (summed heading change ahead, rad)). */
  readonly cornerGain: number;
  /** How far ahead (units) the heading change is summed to pick a speed. */
  readonly brakingHorizon: number;
}

/** Tunings per difficulty: harder bots look less far ahead and carry more speed. */
export const BOT_TUNINGS: Readonly<Record<BotDifficulty, PurePursuitTuning>> = {
  easy: { lookaheadBase: 9, lookaheadPerSpeed: 0.12, maxSpeed: 45, minSpeed: 18, cornerGain: 1.2, brakingHorizon: 40 },
  medium: { lookaheadBase: 9, lookaheadPerSpeed: 0.12, maxSpeed: 65, minSpeed: 22, cornerGain: 1.1, brakingHorizon: 50 },
  hard: { lookaheadBase: 9, lookaheadPerSpeed: 0.12, maxSpeed: 90, minSpeed: 26, cornerGain: 1.0, brakingHorizon: 60 },
};

/** Distance between front and rear axle (wheel centres at y = +80 and −82, ×SIZE). */
const WHEELBASE = (80 + 82) * 0.02;
/** Steering joint limit: a full steer command turns the wheels 0.4 rad. */
const MAX_STEER_RAD = 0.4;

/**
 * A scripted driver that follows the track centre line: pure-pursuit steering towards a point
 * ahead and speed control from the curvature ahead. Keeps the index of the nearest track point
 * between calls, so one instance drives one car.
 */
export class PurePursuitBot {
  private nearest = -1;

  constructor(
    private readonly points: readonly TrackPoint[],
    private readonly tuning: PurePursuitTuning = BOT_TUNINGS.medium,
  ) {}

  act(car: BotCarView): ContinuousAction {
    const pts = this.points;
    const n = pts.length;
    this.nearest = this.nearest < 0 ? nearestIndex(pts, car.x, car.y, 0, n) : this.trackNearest(car);
    const speed = Math.hypot(car.vx, car.vy);

    const lookahead = this.tuning.lookaheadBase + this.tuning.lookaheadPerSpeed * speed;
    const target = pts[(this.nearest + Math.max(1, Math.round(lookahead / TRACK_DETAIL_STEP))) % n];
    const dx = target.x - car.x;
    const dy = target.y - car.y;
    const sin = Math.sin(car.angle);
    const cos = Math.cos(car.angle);
    const right = cos * dx + sin * dy;
    const forward = -sin * dx + cos * dy;
    const distSq = right * right + forward * forward;
    const wheelAngle = Math.atan((2 * WHEELBASE * right) / Math.max(distSq, 1e-6));
    const steer = clamp(forward < 0 ? Math.sign(right) || 1 : wheelAngle / MAX_STEER_RAD, -1, 1);

    const targetSpeed = this.targetSpeed();
    const error = targetSpeed - speed;
    const gas = error > 0 ? clamp(error / 10, 0.1, 1) * (1 - 0.6 * Math.abs(steer)) : 0;
    const brake = error < -8 ? clamp(-error / 40, 0, 0.85) : 0;
    return [steer, gas, brake];
  }

  private targetSpeed(): number {
    const pts = this.points;
    const n = pts.length;
    const steps = Math.max(1, Math.round(this.tuning.brakingHorizon / TRACK_DETAIL_STEP));
    let turn = 0;
    for (let k = 0; k < steps; k++) {
      const a = pts[(this.nearest + k) % n].beta;
      const b = pts[(this.nearest + k + 1) % n].beta;
      turn += Math.abs(wrapAngle(b - a));
    }
    const speed = this.tuning.maxSpeed / (1 + this.tuning.cornerGain * turn);
    return Math.max(this.tuning.minSpeed, speed);
  }

  private trackNearest(car: BotCarView): number {
    const n = this.points.length;
    const local = nearestIndex(this.points, car.x, car.y, this.nearest - 10, 31);
    const p = this.points[local];
    if ((p.x - car.x) ** 2 + (p.y - car.y) ** 2 < 15 ** 2) return local;
    return nearestIndex(this.points, car.x, car.y, 0, n);
  }
}

function nearestIndex(pts: readonly TrackPoint[], x: number, y: number, from: number, count: number): number {
  const n = pts.length;
  let best = 0;
  let bestD = Infinity;
  for (let k = 0; k < count; k++) {
    const i = (((from + k) % n) + n) % n;
    const d = (pts[i].x - x) ** 2 + (pts[i].y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
