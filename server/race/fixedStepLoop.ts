import type { Clock, Scheduler, TimerHandle } from './clock.ts';

export interface FixedStepLoopOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** [default: 20 ms, CarRacing's 50 FPS] */
  readonly stepMs?: number;
  /** Most steps run in one wake-up to catch up after a stall; time beyond is dropped. [default: 5] */
  readonly maxCatchUpSteps?: number;
  /** Unpaced: steps run back to back in bursts of this many, yielding to I/O in between. [default: 25] */
  readonly unpacedBurstSteps?: number;
  /**
   * Runs one step; returns false to stop the loop. A step may be asynchronous (a race waiting for
   * its agents' decisions): the loop runs no other step until it settles.
   */
  readonly step: () => boolean | Promise<boolean>;
}

/**
 * A fixed-step loop driven by an accumulator ("Fix Your Timestep!"): each wake-up adds the
 * elapsed clock time and runs one step per whole `stepMs`, so timer jitter never adds up to
 * drift. After a stall it catches up at most `maxCatchUpSteps` steps and drops the rest of the
 * backlog (counted in `droppedSteps`), so the race slows down instead of lurching.
 *
 * Unpaced (`setUnpaced(true)`, a race nobody watches), steps run as fast as they compute, in
 * bursts with a zero-delay timer between them so sockets and queue locks are served. Real time
 * then means nothing: lag is neither measured nor dropped, and pacing resumes from "now".
 */
export class FixedStepLoop {
  private readonly stepMs: number;
  private readonly maxCatchUpSteps: number;
  private accumulatorMs = 0;
  private lastMs = 0;
  private timer: TimerHandle | null = null;
  private running = false;
  private unpaced = false;
  /** Steps run so far. */
  steps = 0;
  /** Whole steps dropped after stalls. */
  droppedSteps = 0;
  /** The most the loop has been behind real time at a wake-up, ms (0 when it always kept up). */
  maxLagMs = 0;

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

  /** Switches between real time (50 Hz) and as fast as possible; takes effect at the next wake-up. */
  setUnpaced(unpaced: boolean): void {
    if (unpaced === this.unpaced) return;
    this.unpaced = unpaced;
    if (!unpaced) {
      // Real time starts now: the steps run unpaced are not a backlog.
      this.lastMs = this.options.clock.nowMs();
      this.accumulatorMs = 0;
    }
    if (this.running && this.timer !== null) {
      this.options.scheduler.clearTimeout(this.timer);
      this.schedule();
    }
  }

  get isUnpaced(): boolean {
    return this.unpaced;
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private wake = (): void => {
    this.timer = null;
    if (!this.running) return;
    if (this.unpaced) {
      void this.runUnpacedBurst();
      return;
    }
    const now = this.options.clock.nowMs();
    this.accumulatorMs += now - this.lastMs;
    this.lastMs = now;
    this.maxLagMs = Math.max(this.maxLagMs, this.accumulatorMs - this.stepMs);
    void this.runDueSteps(0);
  };

  /** How far behind real time the loop is now, ms (steps due but not run yet). */
  get lagMs(): number {
    return Math.max(0, this.accumulatorMs - this.stepMs);
  }

  /** Runs the due steps; synchronous as long as the steps are (no await on that path). */
  private async runDueSteps(ran: number): Promise<void> {
    while (this.accumulatorMs >= this.stepMs && ran < this.maxCatchUpSteps) {
      this.accumulatorMs -= this.stepMs;
      ran++;
      this.steps++;
      const result = this.options.step();
      const goOn = typeof result === 'boolean' ? result : await result;
      if (typeof result !== 'boolean') {
        // Time passed while the step waited: count it before deciding what else is due.
        const now = this.options.clock.nowMs();
        this.accumulatorMs += now - this.lastMs;
        this.lastMs = now;
        this.maxLagMs = Math.max(this.maxLagMs, this.accumulatorMs - this.stepMs);
      }
      if (!goOn) {
        this.stop();
        return;
      }
      if (!this.running) return;
    }
    // A backlog beyond what one wake-up may catch up is a stall: drop it. A smaller one (slow
    // asynchronous steps) is run at the next wake-up, scheduled at once.
    if (this.accumulatorMs >= this.stepMs * (this.maxCatchUpSteps + 1)) {
      const dropped = Math.floor(this.accumulatorMs / this.stepMs);
      this.droppedSteps += dropped;
      this.accumulatorMs -= dropped * this.stepMs;
    }
    this.schedule();
  }

  private async runUnpacedBurst(): Promise<void> {
    const burst = this.options.unpacedBurstSteps ?? 25;
    for (let i = 0; i < burst && this.unpaced; i++) {
      this.steps++;
      const result = this.options.step();
      const goOn = typeof result === 'boolean' ? result : await result;
      if (!goOn) {
        this.stop();
        return;
      }
      if (!this.running) return;
    }
    if (!this.unpaced) {
      this.lastMs = this.options.clock.nowMs();
      this.accumulatorMs = 0;
    }
    this.schedule();
  }

  private schedule(): void {
    const delayMs = this.unpaced ? 0 : Math.max(0, this.stepMs - this.accumulatorMs);
    this.timer = this.options.scheduler.setTimeout(this.wake, delayMs);
  }
}
