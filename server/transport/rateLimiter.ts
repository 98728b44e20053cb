import type { Clock } from '../race/clock.ts';

/** A token bucket: `perSecond` messages a second on average, bursts up to `perSecond`. */
export class RateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = perSecond;
    this.lastMs = clock.nowMs();
  }

  /** Takes one token; false when the sender is over its rate. */
  tryTake(): boolean {
    const now = this.clock.nowMs();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.lastMs) / 1000) * this.perSecond);
    this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
