import { createDriver } from '../drivers/createDriver.ts';
import type { Clock, Scheduler } from './clock.ts';
import { FixedStepLoop } from './fixedStepLoop.ts';
import { RaceEngine } from './raceEngine.ts';
import type { RaceHost, RaceHostListener, RaceSpec } from './raceSpec.ts';

/** Ticks between tick-cost reports to the room (one per second). */
const STATS_EVERY_TICKS = 50;

/**
 * A race engine on a fixed 50 Hz loop, reporting to a listener. The same class runs on the
 * main thread (InProcessRaceHostFactory) and inside a race worker (raceWorker.ts).
 */
export class RaceRunner implements RaceHost {
  private readonly engine: RaceEngine;
  private readonly loop: FixedStepLoop;
  private done = false;

  constructor(
    spec: RaceSpec,
    private readonly listener: RaceHostListener,
    clock: Clock,
    scheduler: Scheduler,
  ) {
    this.engine = new RaceEngine(
      spec,
      spec.cars.map((c) => createDriver(c.driver)),
      clock,
    );
    this.loop = new FixedStepLoop({ clock, scheduler, step: this.tick });
    listener.onSnapshot(this.engine.snapshot(), 0);
  }

  start(): void {
    if (!this.done) this.loop.start();
  }

  setInput(carIndex: number, action: { steer: number; gas: number; brake: number } | null): void {
    this.engine.setInput(carIndex, action);
  }

  retire(carIndex: number, reason: 'disconnected' | 'agentTimeout'): void {
    if (this.done) return;
    this.engine.retire(carIndex, reason);
    // Before the start (or between ticks with every car out) no tick may come to report it.
    if (!this.loop.isRunning && this.engine.finished) this.finish(false);
  }

  abort(): void {
    if (!this.done) this.finish(true);
  }

  private tick = (): boolean => {
    try {
      const t = this.engine.step();
      if (t.events.length > 0) this.listener.onEvents(t.events);
      if (t.snapshot !== null) this.listener.onSnapshot(t.snapshot, t.tick);
      if (t.tick % STATS_EVERY_TICKS === 0) this.listener.onStats(this.engine.tickCost.stats(this.loop.droppedSteps));
      if (t.finished) this.finish(false);
      return !t.finished;
    } catch (error) {
      this.done = true;
      this.listener.onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  };

  private finish(aborted: boolean): void {
    this.done = true;
    this.loop.stop();
    this.listener.onStats(this.engine.tickCost.stats(this.loop.droppedSteps));
    this.listener.onFinished(this.engine.results(aborted));
  }
}
