import type { Scheduler, TimerHandle } from '../race/clock.ts';

/** A room's timers: each goes through the injected scheduler, and `clear` cancels them all. */
export class RoomTimers {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly scheduler: Scheduler) {}

  /** Starts (or restarts) the timer named `name`. */
  set(name: string, delayMs: number, callback: () => void): void {
    this.cancel(name);
    this.handles.set(
      name,
      this.scheduler.setTimeout(() => {
        this.handles.delete(name);
        callback();
      }, delayMs),
    );
  }

  cancel(name: string): void {
    const h = this.handles.get(name);
    if (h !== undefined) this.scheduler.clearTimeout(h);
    this.handles.delete(name);
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }

  clear(): void {
    for (const h of this.handles.values()) this.scheduler.clearTimeout(h);
    this.handles.clear();
  }
}
