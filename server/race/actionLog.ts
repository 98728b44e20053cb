import type { LoggedAction } from '../../shared/protocol/events.ts';
import type { CarAction } from '../../shared/sim/race.ts';

/**
 * The per-tick action log of a race, kept flat (3 float64 per car per tick and a presence byte)
 * instead of a tuple per car per tick: a 10-lap race logs ~80 000 actions, which as objects
 * would sit in the old generation for the garbage collector to trace on every major GC.
 * `toArray` gives the results' `actionLog[t][k]` with the same numbers.
 */
export class ActionLog {
  private values: Float64Array;
  private present: Uint8Array;
  private ticks = 0;

  constructor(
    private readonly carCount: number,
    initialTicks = 1024,
  ) {
    this.values = new Float64Array(initialTicks * carCount * 3);
    this.present = new Uint8Array(initialTicks * carCount);
  }

  get length(): number {
    return this.ticks;
  }

  /** Appends one tick: `actions[k]` is car k's action, null for none. */
  push(actions: readonly (CarAction | null)[]): void {
    const n = this.carCount;
    if ((this.ticks + 1) * n > this.present.length) this.grow();
    const base = this.ticks * n;
    for (let k = 0; k < n; k++) {
      const a = actions[k] ?? null;
      if (a === null) {
        this.present[base + k] = 0;
        continue;
      }
      this.present[base + k] = 1;
      const o = 3 * (base + k);
      this.values[o] = a.steer;
      this.values[o + 1] = a.gas;
      this.values[o + 2] = a.brake;
    }
    this.ticks++;
  }

  toArray(): LoggedAction[][] {
    const n = this.carCount;
    const out: LoggedAction[][] = new Array<LoggedAction[]>(this.ticks);
    for (let t = 0; t < this.ticks; t++) {
      const row: LoggedAction[] = new Array<LoggedAction>(n);
      for (let k = 0; k < n; k++) {
        const i = t * n + k;
        row[k] =
          this.present[i] === 0
            ? null
            : ([this.values[3 * i], this.values[3 * i + 1], this.values[3 * i + 2]] as const);
      }
      out[t] = row;
    }
    return out;
  }

  private grow(): void {
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    const present = new Uint8Array(this.present.length * 2);
    present.set(this.present);
    this.values = values;
    this.present = present;
  }
}
