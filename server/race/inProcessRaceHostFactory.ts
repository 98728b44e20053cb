import { systemClock, systemScheduler, type Clock, type Scheduler } from './clock.ts';
import { RaceRunner } from './raceRunner.ts';
import type { RaceHost, RaceHostFactory, RaceHostListener, RaceSpec } from './raceSpec.ts';

/** Runs races on the calling thread: for tests with manual time, and RACE_WORKERS=0. */
export class InProcessRaceHostFactory implements RaceHostFactory {
  private readonly hosts = new Set<RaceRunner>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly scheduler: Scheduler = systemScheduler,
  ) {}

  create(spec: RaceSpec, listener: RaceHostListener): RaceHost {
    const runner = new RaceRunner(
      spec,
      {
        ...listener,
        onFinished: (results) => {
          this.hosts.delete(runner);
          listener.onFinished(results);
        },
      },
      this.clock,
      this.scheduler,
    );
    this.hosts.add(runner);
    return runner;
  }

  async close(): Promise<void> {
    for (const host of [...this.hosts]) host.abort();
  }
}
