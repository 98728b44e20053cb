import type { LoggedAction, RaceEventMessage, RaceResults, Retirement } from '../../shared/protocol/events.ts';
import { packSnapshot, SNAPSHOT_EVERY_TICKS } from '../../shared/protocol/snapshotCodec.ts';
import {
  computeStandings,
  createRace,
  retireCar,
  stepRace,
  type CarAction,
  type RaceState,
} from '../../shared/sim/race.ts';
import type { Driver } from '../drivers/driver.ts';
import { HumanDriver } from '../drivers/humanDriver.ts';
import type { Clock } from './clock.ts';
import type { RaceSpec } from './raceSpec.ts';
import { TickCostRecorder } from './tickCost.ts';


/** Contacts of the same two cars closer together than this count as one collision event (0.5 s). */
const COLLISION_REPEAT_TICKS = 25;

export interface EngineTick {
  readonly tick: number;
  readonly events: readonly RaceEventMessage[];
  /** Every SNAPSHOT_EVERY_TICKS ticks, and on the last one. */
  readonly snapshot: Uint8Array | null;
  readonly finished: boolean;
}

/**
 * One race on top of shared/sim: asks each car's driver for its action, steps the simulation,
 * records the action log and retirements (enough to re-simulate), packs snapshots and times
 * every tick. Knows nothing about loops, threads or sockets.
 */
export class RaceEngine {
  readonly race: RaceState;
  private readonly actionLog: LoggedAction[][] = [];
  private readonly retirements: Retirement[] = [];
  private readonly pendingEvents: RaceEventMessage[] = [];
  readonly tickCost = new TickCostRecorder();
  private readonly lastCollisionTick = new Map<number, number>();

  constructor(
    readonly spec: RaceSpec,
    private readonly drivers: readonly Driver[],
    private readonly clock: Clock,
  ) {
    this.race = createRace({
      seed: spec.seed,
      cars: spec.cars.map((c) => ({ id: c.id, name: c.name })),
      laps: spec.laps,
      timeLimitTicksPerLap: spec.timeLimitTicksPerLap,
    });
  }

  get finished(): boolean {
    return this.race.finished;
  }

  /** A human's input for the coming ticks; ignored for other drivers. */
  setInput(carIndex: number, action: CarAction | null): void {
    const driver = this.drivers[carIndex];
    if (driver instanceof HumanDriver) driver.setInput(action);
  }

  /** Retires a car from outside the simulation; the event goes out with the next tick. */
  retire(carIndex: number, reason: 'disconnected' | 'agentTimeout'): void {
    const event = retireCar(this.race, carIndex, reason);
    if (event === null) return;
    this.retirements.push({ tick: this.race.tick, carIndex, reason });
    this.pendingEvents.push(event);
  }

  step(): EngineTick {
    const t0 = this.clock.nowMs();
    const events: RaceEventMessage[] = this.pendingEvents.splice(0);
    if (this.race.finished) return { tick: this.race.tick, events, snapshot: this.snapshot(), finished: true };
    const actions = this.race.cars.map((car, k) => (car.status === 'racing' ? this.drivers[k].act(this.race, k) : null));
    this.actionLog.push(actions.map((a) => (a === null ? null : ([a.steer, a.gas, a.brake] as const))));
    const result = stepRace(this.race, actions);
    for (const e of result.events) if (e.type !== 'collision' || this.isNewCollision(e.carA, e.carB, result.tick)) events.push(e);
    const last = this.race.finished;
    const snapshot = last || result.tick % SNAPSHOT_EVERY_TICKS === 0 ? this.snapshot() : null;
    this.tickCost.record(this.clock.nowMs() - t0);
    return { tick: result.tick, events, snapshot, finished: last };
  }

  /** A pair's contacts within COLLISION_REPEAT_TICKS of its last reported one are the same collision. */
  private isNewCollision(carA: number, carB: number, tick: number): boolean {
    const key = carA * 64 + carB;
    const last = this.lastCollisionTick.get(key);
    this.lastCollisionTick.set(key, tick);
    return last === undefined || tick - last > COLLISION_REPEAT_TICKS;
  }

  snapshot(): Uint8Array {
    const race = this.race;
    const positions = new Array<number>(race.cars.length);
    for (const s of computeStandings(race)) positions[s.carIndex] = s.position;
    return packSnapshot({
      tick: race.tick,
      cars: race.cars.map((car, k) => {
        const s = race.sim.carState(k);
        return {
          x: s.hullPosition[0],
          y: s.hullPosition[1],
          angle: s.hullAngle,
          steerRad: s.wheels[0].jointAngle,
          speed: Math.hypot(s.hullLinearVelocity[0], s.hullLinearVelocity[1]),
          lapsCompleted: car.progress.lapsCompleted,
          position: positions[k],
          status: car.status,
          dnfReason: car.dnfReason,
        };
      }),
    });
  }

  results(aborted: boolean): RaceResults {
    const race = this.race;
    const standings = computeStandings(race);
    return {
      raceId: this.spec.raceId,
      seed: this.spec.seed,
      aborted,
      config: {
        laps: race.config.laps,
        timeLimitTicksPerLap: race.config.timeLimitTicksPerLap,
        trackStyle: race.config.trackStyle,
        grid: race.config.grid,
        cars: this.spec.cars.map((c) => ({ id: c.id, name: c.name })),
      },
      ticks: race.tick,
      finishOrder: [...race.finishOrder],
      cars: standings.map((s) => {
        const car = race.cars[s.carIndex];
        return {
          carIndex: s.carIndex,
          id: car.id,
          name: car.name,
          kind: this.drivers[s.carIndex].kind,
          position: s.position,
          status: car.status,
          dnfReason: car.dnfReason,
          endTick: car.endTick,
          lapTicks: s.lapTicks,
          bestLapTicks: s.bestLapTicks,
          totalReward: car.totalReward,
        };
      }),
      actionLog: this.actionLog,
      retirements: [...this.retirements],
    };
  }
}
