/** Monotonic time in ms. The loop and the rooms read time only through this. */
export interface Clock {
  nowMs(): number;
}

export type TimerHandle = { readonly id: number };

/** Timers, injected so tests can drive time by hand. */
export interface Scheduler {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = { nowMs: () => performance.now() };

let nextTimerId = 1;
export const systemScheduler: Scheduler = (() => {
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    setTimeout(callback, delayMs) {
      const id = nextTimerId++;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          callback();
        }, delayMs),
      );
      return { id };
    },
    clearTimeout(handle) {
      const t = timers.get(handle.id);
      if (t !== undefined) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
})();

/** A clock and scheduler moved by hand, for tests. */
export class ManualTime implements Clock, Scheduler {
  private now = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  nowMs(): number {
    return this.now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = nextTimerId++;
    this.pending.set(id, { at: this.now + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle.id);
  }

  get pendingTimers(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let nextId = -1;
      let next: { at: number; callback: () => void } | undefined;
      for (const [id, t] of this.pending)
        if (t.at <= end && (next === undefined || t.at < next.at)) [nextId, next] = [id, t];
      if (next === undefined) break;
      this.pending.delete(nextId);
      this.now = Math.max(this.now, next.at);
      next.callback();
    }
    this.now = Math.max(this.now, end); // a callback that stalled may have moved it further: never back
  }

  /** Jumps time forward without firing timers (a stalled event loop). */
  stall(ms: number): void {
    this.now += ms;
  }
}
