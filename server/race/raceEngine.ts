import type { CarResult, RaceEventMessage, RaceResults, Retirement } from '../../shared/protocol/events.ts';
import { packSnapshot, SNAPSHOT_EVERY_TICKS, type CarSnapshot } from '../../shared/protocol/snapshotCodec.ts';
import {
  computeStandings,
  createRace,
  livePositions,
  retireCar,
  stepRace,
  type CarAction,
  type ExternalRetirementReason,
  type RaceState,
} from '../../shared/sim/race.ts';
import { createCarPose } from '../../shared/sim/simulation.ts';
import type { Driver, DriverSpec } from '../drivers/driver.ts';
import { HumanDriver } from '../drivers/humanDriver.ts';
import { ActionLog } from './actionLog.ts';
import type { Clock } from './clock.ts';
import type { RaceSpec } from './raceSpec.ts';
import { TickCostRecorder } from './tickCost.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
  private readonly actionLog: ActionLog;
  private readonly retirements: Retirement[] = [];
  private readonly pendingEvents: RaceEventMessage[] = [];
  readonly tickCost = new TickCostRecorder();
  private readonly lastCollisionTick = new Map<number, number>();
  /** Scratch reused by every tick and snapshot (the tick allocates as little as it can). */
  private readonly actions: (CarAction | null)[];
  private readonly positions: Uint8Array;
  private readonly pose = createCarPose();
  private readonly carSnapshots: Mutable<CarSnapshot>[];
  /** Last tick's actions of the cars not driven by a bot (agents, humans): spectators see what each decided. */
  private readonly snapshotActions: (CarAction | null)[];

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
    const n = spec.cars.length;
    this.actionLog = new ActionLog(n);
    this.actions = new Array<CarAction | null>(n).fill(null);
    this.positions = new Uint8Array(n);
    this.snapshotActions = new Array<CarAction | null>(n).fill(null);
    this.carSnapshots = Array.from({ length: n }, () => ({
      x: 0,
      y: 0,
      angle: 0,
      steerRad: 0,
      speed: 0,
      lapsCompleted: 0,
      position: 0,
      status: 'racing' as const,
      dnfReason: null,
    }));
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
  retire(carIndex: number, reason: ExternalRetirementReason): void {
    const event = retireCar(this.race, carIndex, reason);
    if (event === null) return;
    this.retirements.push({ tick: this.race.tick, carIndex, reason });
    this.pendingEvents.push(event);
  }

  step(): EngineTick {
    const t0 = this.clock.nowMs();
    const events: RaceEventMessage[] = this.pendingEvents.splice(0);
    if (this.race.finished) return { tick: this.race.tick, events, snapshot: this.snapshot(), finished: true };
    const actions = this.actions;
    const cars = this.race.cars;
    for (let k = 0; k < cars.length; k++)
      actions[k] = cars[k].status === 'racing' ? this.drivers[k].act(this.race, k) : null;
    this.actionLog.push(actions);
    const result = stepRace(this.race, actions);
    for (const e of result.events)
      if (e.type !== 'collision' || this.isNewCollision(e.carA, e.carB, result.tick)) events.push(e);
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

  /** The race now, packed (snapshotCodec.ts); a fresh buffer each time (it may be transferred). */
  snapshot(): Uint8Array {
    const race = this.race;
    livePositions(race, this.positions);
    for (let k = 0; k < race.cars.length; k++) {
      const car = race.cars[k];
      const pose = race.sim.readCarPose(k, this.pose);
      const s = this.carSnapshots[k];
      s.x = pose.x;
      s.y = pose.y;
      s.angle = pose.angle;
      s.steerRad = pose.steerJointAngle;
      s.speed = Math.hypot(pose.vx, pose.vy);
      s.lapsCompleted = car.progress.lapsCompleted;
      s.position = this.positions[k];
      s.status = car.status;
      s.dnfReason = car.dnfReason;
      this.snapshotActions[k] = this.drivers[k].kind === 'bot' ? null : this.actions[k];
    }
    return packSnapshot({ tick: race.tick, cars: this.carSnapshots, actions: this.snapshotActions });
  }

  /** The results; `serverOverload` when the loop running the race fell behind real time. */
  results(aborted: boolean, serverOverload = false): RaceResults {
    const race = this.race;
    const standings = computeStandings(race);
    const humans = race.cars.filter((c) => this.drivers[c.index].kind === 'human');
    const abandoned =
      humans.length > 0 && humans.every((c) => c.dnfReason === 'disconnected') && race.finishOrder.length === 0;
    const unratedReason = aborted ? 'aborted' : serverOverload ? 'serverOverload' : abandoned ? 'abandoned' : null;
    return {
      raceId: this.spec.raceId,
      seed: this.spec.seed,
      aborted,
      rated: unratedReason === null,
      unratedReason,
      // The room knows these; it sets them before the results leave it.
      ladder: false,
      startedAt: null,
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
          ...driverIdentity(this.spec.cars[s.carIndex].driver),
        };
      }),
      actionLog: this.actionLog.toArray(),
      retirements: [...this.retirements],
    };
  }
}

function driverIdentity(driver: DriverSpec): Pick<CarResult, 'agentId' | 'userId' | 'botDifficulty'> {
  return {
    agentId: driver.kind === 'agent' ? driver.agentId : null,
    userId: driver.kind === 'human' ? (driver.userId ?? null) : null,
    botDifficulty: driver.kind === 'bot' ? driver.difficulty : null,
  };
}
