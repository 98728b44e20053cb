import type { ExternalRetirementReason } from '../../shared/sim/race.ts';
import { RaceDecisions, type RaceAgentSeat, type Retirement } from '../agents/runtime/raceDecisions.ts';
import type { AgentDriver } from '../drivers/agentDriver.ts';
import { createDriver } from '../drivers/createDriver.ts';
import type { Driver } from '../drivers/driver.ts';
import type { Clock, Scheduler } from './clock.ts';
import { FixedStepLoop } from './fixedStepLoop.ts';
import { RaceEngine } from './raceEngine.ts';
import type { RaceHost, RaceHostListener, RaceSpec } from './raceSpec.ts';

/** Ticks between tick-cost reports to the room (one per second). */
const STATS_EVERY_TICKS = 50;
/**
 * Lag behind real time beyond which the server (not an agent) is to blame: late decisions are
 * forgiven, and a race that was ever this far behind is unrated (5 ticks, 100 ms).
 */
export const SERVER_OVERLOAD_LAG_MS = 100;

function isAgentDriver(driver: Driver): driver is AgentDriver {
  return driver.kind === 'agent';
}

/**
 * A race engine on a fixed 50 Hz loop, reporting to a listener. The same class runs on the
 * main thread (InProcessRaceHostFactory) and inside a race worker (raceWorker.ts). With agents
 * in the race, each tick first waits for their decisions (RaceDecisions), then steps.
 */
export class RaceRunner implements RaceHost {
  private readonly engine: RaceEngine;
  private readonly loop: FixedStepLoop;
  private readonly drivers: readonly Driver[];
  /** Resolves once every agent's model has loaded (or its car was retired); null without agents. */
  private readonly agentsReady: Promise<RaceDecisions> | null;
  private decisions: RaceDecisions | null = null;
  private done = false;
  private startRequested = false;
  private watched = true;

  constructor(
    spec: RaceSpec,
    private readonly listener: RaceHostListener,
    clock: Clock,
    scheduler: Scheduler,
  ) {
    this.drivers = spec.cars.map((c) => createDriver(c.driver));
    this.engine = new RaceEngine(spec, this.drivers, clock);
    this.loop = new FixedStepLoop({ clock, scheduler, step: this.tick });
    this.agentsReady = this.drivers.some(isAgentDriver) ? this.loadAgents() : null;
    listener.onSnapshot(this.engine.snapshot(), 0);
  }

  /** Starts the loop; with agents, once their models are loaded (the countdown usually covers it). */
  start(): void {
    if (this.done || this.startRequested) return;
    this.startRequested = true;
    if (this.agentsReady === null) {
      this.loop.start();
      return;
    }
    void this.agentsReady.then((decisions) => {
      this.decisions = decisions;
      if (!this.done) this.loop.start();
    });
  }

  setInput(carIndex: number, action: { steer: number; gas: number; brake: number } | null): void {
    this.engine.setInput(carIndex, action);
  }

  retire(carIndex: number, reason: ExternalRetirementReason): void {
    if (this.done) return;
    this.engine.retire(carIndex, reason);
    // Before the start (or between ticks with every car out) no tick may come to report it.
    if (!this.loop.isRunning && this.engine.finished) this.finish(false);
  }

  abort(): void {
    if (!this.done) this.finish(true);
  }

  setWatched(watched: boolean): void {
    if (this.done || watched === this.watched) return;
    this.watched = watched;
    this.loop.setUnpaced(!watched);
    if (watched) this.listener.onSnapshot(this.engine.snapshot(), this.engine.race.tick);
  }

  private async loadAgents(): Promise<RaceDecisions> {
    const seats: RaceAgentSeat[] = [];
    await Promise.all(
      this.drivers.map(async (driver, carIndex) => {
        if (!isAgentDriver(driver)) return;
        try {
          seats.push({ carIndex, controller: await driver.ready });
        } catch {
          this.engine.retire(carIndex, 'agentError');
        }
      }),
    );
    seats.sort((a, b) => a.carIndex - b.carIndex);
    const decisions = new RaceDecisions(seats);
    await decisions.warmUp(this.engine.race);
    return decisions;
  }

  private tick = (): boolean | Promise<boolean> => {
    const decisions = this.decisions;
    if (decisions === null || decisions.isEmpty) return this.stepEngine();
    return decisions
      .decide(this.engine.race, this.loop.lagMs > SERVER_OVERLOAD_LAG_MS)
      .then((retirements) => this.retireAll(retirements))
      .then(() => (this.done ? false : this.stepEngine()));
  };

  private retireAll(retirements: readonly Retirement[]): void {
    for (const r of retirements) this.engine.retire(r.carIndex, r.reason);
  }

  private stepEngine(): boolean {
    try {
      const t = this.engine.step();
      if (t.events.length > 0) this.listener.onEvents(t.events);
      if (t.snapshot !== null && this.watched) this.listener.onSnapshot(t.snapshot, t.tick);
      if (t.tick % STATS_EVERY_TICKS === 0) this.reportStats();
      if (t.finished) this.finish(false);
      return !t.finished;
    } catch (error) {
      this.done = true;
      this.disposeAgents();
      this.listener.onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  private finish(aborted: boolean): void {
    this.done = true;
    this.loop.stop();
    this.disposeAgents();
    this.reportStats();
    const overloaded = this.loop.maxLagMs > SERVER_OVERLOAD_LAG_MS || this.loop.droppedSteps > 0;
    this.listener.onFinished(this.engine.results(aborted, overloaded));
  }

  private reportStats(): void {
    const stats = this.engine.tickCost.stats(this.loop.droppedSteps);
    const latencies = this.decisions?.drainLatencies() ?? [];
    this.listener.onStats(latencies.length === 0 ? stats : { ...stats, decisionLatencies: latencies });
  }

  private disposeAgents(): void {
    for (const driver of this.drivers) if (isAgentDriver(driver)) driver.dispose();
  }
}
