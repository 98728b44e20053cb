import type { TickCostStats } from './raceSpec.ts';

/** Tick durations over the last `window` ticks, for p50/p99. */
export class TickCostRecorder {
  private readonly samples: Float64Array;
  private count = 0;
  private max = 0;

  constructor(window = 1000) {
    this.samples = new Float64Array(window);
  }

  record(ms: number): void {
    this.samples[this.count % this.samples.length] = ms;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  stats(droppedTicks = 0): TickCostStats {
    const n = Math.min(this.count, this.samples.length);
    const sorted = Array.from(this.samples.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number): number => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(q * n))]);
    return { ticks: this.count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: this.max, droppedTicks };
  }
}
