import type { Clock, Scheduler, TimerHandle } from './clock.ts';

export interface FixedStepLoopOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** [default: 20 ms, CarRacing's 50 FPS] */
  readonly stepMs?: number;
  /** Most steps run in one wake-up to catch up after a stall; time beyond is dropped. [default: 5] */
  readonly maxCatchUpSteps?: number;
  /** Runs one step; returns false to stop the loop. */
  readonly step: () => boolean;
}

/**
 * A fixed-step loop driven by an accumulator ("Fix Your Timestep!"): each wake-up adds the
 * elapsed clock time and runs one step per whole `stepMs`, so timer jitter never adds up to
 * drift. After a stall it catches up at most `maxCatchUpSteps` steps and drops the rest of the
 * backlog (counted in `droppedSteps`), so the race slows down instead of lurching.
 */
export class FixedStepLoop {
  private readonly stepMs: number;
  private readonly maxCatchUpSteps: number;
  private accumulatorMs = 0;
  private lastMs = 0;
  private timer: TimerHandle | null = null;
  private running = false;
  /** Steps run so far. */
  steps = 0;
  /** Whole steps dropped after stalls. */
  droppedSteps = 0;

  constructor(private readonly options: FixedStepLoopOptions) {
    this.stepMs = options.stepMs ?? 20;
    this.maxCatchUpSteps = options.maxCatchUpSteps ?? 5;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastMs = this.options.clock.nowMs();
    this.accumulatorMs = 0;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private wake = (): void => {
    this.timer = null;
    if (!this.running) return;
    const now = this.options.clock.nowMs();
    this.accumulatorMs += now - this.lastMs;
    this.lastMs = now;
    let ran = 0;
    while (this.accumulatorMs >= this.stepMs && ran < this.maxCatchUpSteps) {
      this.accumulatorMs -= this.stepMs;
      ran++;
      this.steps++;
      if (!this.options.step()) {
        this.stop();
        return;
      }
      if (!this.running) return;
    }
    if (this.accumulatorMs >= this.stepMs) {
      const dropped = Math.floor(this.accumulatorMs / this.stepMs);
      this.droppedSteps += dropped;
      this.accumulatorMs -= dropped * this.stepMs;
    }
    this.schedule();
  };

  private schedule(): void {
    this.timer = this.options.scheduler.setTimeout(this.wake, Math.max(0, this.stepMs - this.accumulatorMs));
  }
}
