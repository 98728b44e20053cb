import { percentileOfSorted } from '../../shared/numeric/percentile.ts';
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
    const sorted = this.samples.slice(0, n).sort();
    const at = (p: number): number => (n === 0 ? 0 : percentileOfSorted(sorted, p));
    return { ticks: this.count, p50Ms: at(50), p99Ms: at(99), maxMs: this.max, droppedTicks };
  }
}
