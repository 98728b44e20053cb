import type { CarPose } from './carGraphics.ts';
import { SnapshotBuffer } from './snapshotBuffer.ts';

/** How fast a correction fades after a snapshot moved the own car's estimate, ms. */
const CORRECTION_TAU_MS = 90;

/**
 * The viewer's own car, drawn at the estimated current server time rather than 100 ms behind:
 * the newest snapshot carried forward with the motion of the last two (at most a few ticks).
 * When a new snapshot changes that estimate, the difference is kept as an offset that fades
 * over ~0.1 s, so the car never jumps.
 */
export class OwnCarSmoother {
  private readonly before: CarPose = { x: 0, y: 0, angle: 0, steerRad: 0 };
  private readonly after: CarPose = { x: 0, y: 0, angle: 0, steerRad: 0 };
  private errX = 0;
  private errY = 0;
  private errAngle = 0;
  private lastMs: number | null = null;

  constructor(readonly carIndex: number) {}

  /** Pushes a snapshot into the buffer, keeping the drawn pose continuous. */
  push(buffer: SnapshotBuffer, snapshot: Parameters<SnapshotBuffer['push']>[0], nowMs: number): void {
    const hadBefore = buffer.sample(buffer.serverTick(nowMs, 0), this.carIndex, this.before);
    buffer.push(snapshot, nowMs);
    if (!hadBefore || !buffer.sample(buffer.serverTick(nowMs, 0), this.carIndex, this.after)) return;
    const dx = this.before.x - this.after.x;
    const dy = this.before.y - this.after.y;
    // A correction longer than a car (a reset, a teleport on the grid) is taken at once.
    if (Math.hypot(dx + this.errX, dy + this.errY) > 5) {
      this.errX = this.errY = this.errAngle = 0;
      return;
    }
    this.errX += dx;
    this.errY += dy;
    this.errAngle += Math.atan2(
      Math.sin(this.before.angle - this.after.angle),
      Math.cos(this.before.angle - this.after.angle),
    );
  }

  sample(buffer: SnapshotBuffer, nowMs: number, out: CarPose): boolean {
    if (!buffer.sample(buffer.serverTick(nowMs, 0), this.carIndex, out)) return false;
    const dt = this.lastMs === null ? 0 : Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    const decay = Math.exp(-dt / CORRECTION_TAU_MS);
    this.errX *= decay;
    this.errY *= decay;
    this.errAngle *= decay;
    out.x += this.errX;
    out.y += this.errY;
    out.angle += this.errAngle;
    return true;
  }
}
