import type { Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import { TICK_SECONDS } from '../../../shared/sim/constants.ts';
import type { CarPose } from './carGraphics.ts';

export const TICK_MS = TICK_SECONDS * 1000;
/** How far behind the estimated server time other cars are drawn (two snapshot intervals plus jitter). */
export const INTERPOLATION_DELAY_MS = 100;
/** Past the newest snapshot, poses are extrapolated at most this far (then held). */
const MAX_EXTRAPOLATION_TICKS = 8;
/** Snapshots kept (2.5 s at 25 Hz). */
const KEEP_SNAPSHOTS = 64;
/** Arrival samples the clock estimate takes its minimum over (~1.6 s). */
const CLOCK_WINDOW = 40;
/** Time constant with which the drawn clock follows a changed estimate, ms. */
const CLOCK_SLEW_MS = 400;

/**
 * The race's snapshots with their arrival times, and the mapping from local time to server
 * ticks: `offset = arrival − tick · 20 ms`, its minimum over the last CLOCK_WINDOW arrivals (the
 * least delayed ones), followed smoothly so the drawn time never jumps. `sample(tick, k)`
 * interpolates car k between the two snapshots around a (fractional) tick.
 */
export class SnapshotBuffer {
  private readonly snapshots: Snapshot[] = [];
  private readonly offsets: number[] = [];
  private targetOffsetMs: number | null = null;
  private offsetMs: number | null = null;
  private lastClockMs = 0;

  get latest(): Snapshot | null {
    return this.snapshots.at(-1) ?? null;
  }

  get size(): number {
    return this.snapshots.length;
  }

  push(snapshot: Snapshot, receivedMs: number): void {
    const last = this.latest;
    if (last !== null && snapshot.tick < last.tick) return;
    if (last !== null && snapshot.tick === last.tick) this.snapshots[this.snapshots.length - 1] = snapshot;
    else this.snapshots.push(snapshot);
    if (this.snapshots.length > KEEP_SNAPSHOTS) this.snapshots.shift();
    // Before the start (tick 0, the grid) the server clock stands still: no clock sample.
    if (snapshot.tick === 0 || (last !== null && snapshot.tick === last.tick)) return;
    this.offsets.push(receivedMs - snapshot.tick * TICK_MS);
    if (this.offsets.length > CLOCK_WINDOW) this.offsets.shift();
    this.targetOffsetMs = Math.min(...this.offsets);
    if (this.offsetMs === null || Math.abs(this.targetOffsetMs - this.offsetMs) > 1000) {
      this.offsetMs = this.targetOffsetMs;
      this.lastClockMs = receivedMs;
    }
  }

  /** The server tick (fractional) that is `delayMs` old at local time `nowMs`. */
  serverTick(nowMs: number, delayMs: number): number {
    const latest = this.latest;
    if (latest === null) return 0;
    if (this.offsetMs === null || this.targetOffsetMs === null) return latest.tick;
    const dt = Math.max(0, nowMs - this.lastClockMs);
    this.lastClockMs = Math.max(this.lastClockMs, nowMs);
    this.offsetMs += (this.targetOffsetMs - this.offsetMs) * Math.min(1, dt / CLOCK_SLEW_MS);
    return (nowMs - this.offsetMs - delayMs) / TICK_MS;
  }

  /** Car k's pose at a fractional tick; false when no snapshot has it. */
  sample(tick: number, k: number, out: CarPose): boolean {
    const s = this.snapshots;
    if (s.length === 0 || k >= s[s.length - 1].cars.length) return false;
    let i = s.length - 1;
    while (i > 0 && s[i].tick > tick) i--;
    const a = s[i];
    const b = s[i + 1];
    if (b !== undefined && a.tick <= tick) return lerpPose(a, b, k, (tick - a.tick) / (b.tick - a.tick), out);
    if (tick <= a.tick || i === 0) return copyPose(a, k, out);
    // Past the newest snapshot: continue the motion between the last two, for a few ticks at most.
    const prev = s[i - 1];
    const ahead = Math.min(tick - a.tick, MAX_EXTRAPOLATION_TICKS);
    return lerpPose(prev, a, k, 1 + ahead / (a.tick - prev.tick), out);
  }
}

function copyPose(s: Snapshot, k: number, out: CarPose): boolean {
  const car = s.cars[k];
  out.x = car.x;
  out.y = car.y;
  out.angle = car.angle;
  out.steerRad = car.steerRad;
  return true;
}

/** Linear between snapshots a and b (u may exceed 1 to extrapolate); angles the short way round. */
function lerpPose(a: Snapshot, b: Snapshot, k: number, u: number, out: CarPose): boolean {
  const ca = a.cars[k];
  const cb = b.cars[k];
  if (ca === undefined || cb === undefined) return copyPose(b, k, out);
  // A car that left the race is held where it stopped.
  if (cb.status !== 'racing' && u > 1) u = 1;
  out.x = ca.x + (cb.x - ca.x) * u;
  out.y = ca.y + (cb.y - ca.y) * u;
  out.angle = ca.angle + shortestTurn(ca.angle, cb.angle) * u;
  out.steerRad = ca.steerRad + (cb.steerRad - ca.steerRad) * Math.min(u, 1);
  return true;
}

/** The signed smallest rotation from angle a to angle b, in (−π, π]. */
export function shortestTurn(a: number, b: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}
