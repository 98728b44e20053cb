import { randomUUID } from 'node:crypto';
import type {
  DriverKind,
  RaceListing,
  RaceResults,
  RaceStateMessage,
  RaceStatus,
} from '../../shared/protocol/events.ts';
import { RIVAL_COLORS } from '../../shared/sim/carColors.ts';
import type { CarAction } from '../../shared/sim/race.ts';
import type { DriverSpec } from '../drivers/driver.ts';
import { RaceNotJoinableError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Clock, Scheduler } from '../race/clock.ts';
import type { RaceHost, RaceHostFactory, TickCostStats } from '../race/raceSpec.ts';
import type { RaceBroadcaster } from './raceBroadcaster.ts';
import type { ResultsSink } from './resultsSink.ts';
import { RoomTimers } from './roomTimers.ts';

export interface RaceRoomSettings {
  readonly id: string;
  readonly seed: number;
  readonly laps: number;
  /** Seats in all. [default: 8] */
  readonly maxCars: number;
  /** [default: 1000] */
  readonly timeLimitTicksPerLap: number;
  /** How long the room waits for humans before counting down; a full room counts down at once. */
  readonly waitMs: number;
  /** [default: 3000] */
  readonly countdownMs: number;
  /** How long a disconnected driver keeps the car. [default: 10000] */
  readonly disconnectGraceMs: number;
  /** How long results stay up before the room closes. */
  readonly resultsLingerMs: number;
  /** Seats filled from the start (bots, agents). */
  readonly presetSeats: readonly { readonly name: string; readonly driver: DriverSpec }[];
  /** Scheduled by the ladder, not by a person. [default: false] */
  readonly ladder?: boolean;
  /**
   * Nobody watches it yet (a queued ladder race): it skips the countdown and runs unpaced until
   * someone does (setWatched). [default: false]
   */
  readonly startsUnwatched?: boolean;
}

export interface RaceRoomDeps {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly hosts: RaceHostFactory;
  readonly broadcaster: RaceBroadcaster;
  readonly resultsSink: ResultsSink;
  readonly log: Logger;
  /** Called when the listing changes (status, seats). */
  readonly onChange: (room: RaceRoom) => void;
  readonly onClosed: (room: RaceRoom) => void;
}

interface Seat {
  readonly carIndex: number;
  readonly name: string;
  readonly driver: DriverSpec;
  /** Humans: the reconnect token. */
  readonly token: string | null;
  connected: boolean;
}

const COUNTDOWN_TIMER = 'countdown';
const WAIT_TIMER = 'wait';
const LINGER_TIMER = 'linger';
const READY_TIMER = 'ready';
const graceTimer = (carIndex: number): string => `grace:${carIndex}`;

/**
 * One race's whole life: `waiting` (seats fill) → `countdown` (3 s) → `racing` (the host runs the
 * 50 Hz loop) → `finished` (results published and stored, then the room closes). Owns every
 * timer it starts and cancels them in `dispose`. Publishes through a RaceBroadcaster only.
 */
export class RaceRoom {
  status: RaceStatus = 'waiting';
  private readonly seats: Seat[] = [];
  private readonly timers: RoomTimers;
  private host: RaceHost | null = null;
  private latestSnapshotBytes: Uint8Array | null = null;
  private tick = 0;
  private countdownEndsAtMs: number | null = null;
  private finishedResults: RaceResults | null = null;
  private resolveFinished!: (results: RaceResults) => void;
  /** Resolves with the results once the race is over (finished or aborted). */
  readonly finished = new Promise<RaceResults>((resolve) => (this.resolveFinished = resolve));
  /** The latest tick-cost report of the race. */
  tickCost: TickCostStats | null = null;
  private disposed = false;
  private watched: boolean;
  private spectatorCount = 0;
  /** The room a driver opened as this race's rematch. */
  private rematchId: string | null = null;

  constructor(
    readonly settings: RaceRoomSettings,
    private readonly deps: RaceRoomDeps,
  ) {
    this.timers = new RoomTimers(deps.scheduler);
    this.watched = settings.startsUnwatched !== true;
    for (const s of settings.presetSeats) this.addSeat(s.name, s.driver, null);
    if (this.seats.length >= settings.maxCars) this.startCountdown();
    else this.timers.set(WAIT_TIMER, settings.waitMs, this.onWaitOver);
  }

  get id(): string {
    return this.settings.id;
  }

  get latestSnapshot(): Uint8Array | null {
    return this.latestSnapshotBytes;
  }

  get results(): RaceResults | null {
    return this.finishedResults;
  }

  /** The rematch room opened for this finished race, if any. */
  get rematchRaceId(): string | null {
    return this.rematchId;
  }

  /**
   * Announces the rematch room `raceId` (seed `seed`) to this race's sockets: a `rematch` event,
   * and a state that carries its id for anyone who arrives later. Only a finished race has one.
   */
  announceRematch(raceId: string, seed: number): void {
    if (this.status !== 'finished' || this.disposed) return;
    this.rematchId = raceId;
    this.deps.broadcaster.event(this.id, { type: 'rematch', raceId, seed });
    this.publishState();
  }

  /** Takes a free seat, or the seat `token` was given for (reconnect). */
  /** A human takes a free seat (or its own again, with `token`); `userId` when logged in. */
  join(name: string, token?: string, userId?: string): { carIndex: number; token: string } {
    if (token !== undefined) {
      const seat = this.seats.find((s) => s.token === token);
      if (seat !== undefined && this.status !== 'finished') {
        seat.connected = true;
        this.timers.cancel(graceTimer(seat.carIndex));
        this.deps.log.info({ raceId: this.id, carIndex: seat.carIndex }, 'driver reconnected');
        return { carIndex: seat.carIndex, token: seat.token! };
      }
    }
    if (this.status !== 'waiting' || this.host !== null)
      throw new RaceNotJoinableError(this.id, `it is ${this.status === 'waiting' ? 'starting' : this.status}`);
    if (this.seats.length >= this.settings.maxCars) throw new RaceNotJoinableError(this.id, 'it is full');
    const seat = this.addSeat(name, userId === undefined ? { kind: 'human' } : { kind: 'human', userId }, randomUUID());
    this.deps.onChange(this);
    this.publishState();
    if (this.seats.length >= this.settings.maxCars) this.startCountdown();
    return { carIndex: seat.carIndex, token: seat.token! };
  }

  /** A human's input (validated, clamped) for the coming ticks. */
  input(carIndex: number, action: CarAction): void {
    const seat = this.seats[carIndex];
    if (seat === undefined || seat.driver.kind !== 'human' || !seat.connected) return;
    this.host?.setInput(carIndex, action);
    this.pendingInputs.set(carIndex, action);
  }

  /** Inputs given before the race host exists (waiting), handed over when it starts. */
  private readonly pendingInputs = new Map<number, CarAction>();
  /** Wall-clock time the race left the countdown (stored with the results). */
  private startedAt: Date | null = null;

  /** The driver's connection dropped: zero input, and the car is out after the grace period. */
  disconnect(carIndex: number): void {
    const seat = this.seats[carIndex];
    if (seat === undefined || seat.driver.kind !== 'human' || this.status === 'finished') return;
    seat.connected = false;
    this.pendingInputs.delete(carIndex);
    this.host?.setInput(carIndex, null);
    this.timers.set(graceTimer(carIndex), this.settings.disconnectGraceMs, () => this.retire(carIndex));
  }

  /** The driver left for good: the car is out at once. */
  leave(carIndex: number): void {
    const seat = this.seats[carIndex];
    if (seat === undefined || seat.driver.kind !== 'human' || this.status === 'finished') return;
    seat.connected = false;
    this.host?.setInput(carIndex, null);
    this.retire(carIndex);
  }

  /** The agents seated in this race. */
  agentIds(): string[] {
    return this.seats.flatMap((s) => (s.driver.kind === 'agent' ? [s.driver.agentId] : []));
  }

  listing(): RaceListing {
    return {
      id: this.id,
      status: this.status,
      laps: this.settings.laps,
      seed: this.settings.seed,
      cars: this.seats.map((s) => ({ name: s.name, kind: s.driver.kind })),
      ladder: this.settings.ladder ?? false,
      spectators: this.spectatorCount,
    };
  }

  stateMessage(): RaceStateMessage {
    return {
      raceId: this.id,
      status: this.status,
      seed: this.settings.seed,
      laps: this.settings.laps,
      timeLimitTicksPerLap: this.settings.timeLimitTicksPerLap,
      trackStyle: 'v3',
      grid: 'seeded',
      maxCars: this.settings.maxCars,
      cars: this.seats.map((s) => ({
        carIndex: s.carIndex,
        id: carId(s.carIndex),
        name: s.name,
        kind: s.driver.kind as DriverKind,
        color: [...RIVAL_COLORS[s.carIndex % RIVAL_COLORS.length]] as [number, number, number],
      })),
      tick: this.tick,
      countdownMsLeft:
        this.countdownEndsAtMs === null ? null : Math.max(0, this.countdownEndsAtMs - this.deps.clock.nowMs()),
      rematchRaceId: this.rematchId,
    };
  }

  /** Stops a race that has not finished (shutdown); resolves once its results are stored. */
  async abort(): Promise<RaceResults | null> {
    if (this.status === 'finished') return this.finishedResults;
    if (this.host === null) {
      this.timers.clear();
      this.setStatus('finished');
      this.close();
      return null;
    }
    this.host.abort();
    return this.finished;
  }

  /** How many watch without driving (the transport counts them); the lobby lists it. */
  setSpectators(count: number): void {
    if (count === this.spectatorCount || this.disposed) return;
    this.spectatorCount = count;
    this.deps.onChange(this);
  }

  /** Whether anyone watches the race (see RaceHost.setWatched); rooms start watched. */
  setWatched(watched: boolean): void {
    if (watched === this.watched) return;
    this.watched = watched;
    this.host?.setWatched(watched);
  }

  /** Cancels every timer; the room is gone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timers.clear();
    if (this.host !== null && this.status !== 'finished') this.host.abort();
  }

  private addSeat(name: string, driver: DriverSpec, token: string | null): Seat {
    const seat: Seat = { carIndex: this.seats.length, name, driver, token, connected: true };
    this.seats.push(seat);
    return seat;
  }

  private onWaitOver = (): void => {
    if (this.seats.length === 0) this.timers.set(WAIT_TIMER, this.settings.waitMs, this.onWaitOver);
    else this.startCountdown();
  };

  /** Builds the race (in a worker, maybe still loading); the countdown begins once its grid is there. */
  private startCountdown(): void {
    if (this.status !== 'waiting' || this.host !== null) return;
    this.timers.cancel(WAIT_TIMER);
    this.host = this.deps.hosts.create(
      {
        raceId: this.id,
        seed: this.settings.seed,
        laps: this.settings.laps,
        timeLimitTicksPerLap: this.settings.timeLimitTicksPerLap,
        cars: this.seats.map((s) => ({ id: carId(s.carIndex), name: s.name, driver: s.driver })),
      },
      {
        onSnapshot: (bytes, tick) => {
          const first = this.latestSnapshotBytes === null;
          this.latestSnapshotBytes = bytes;
          this.tick = tick;
          this.deps.broadcaster.snapshot(this.id, bytes);
          if (first) this.timers.set(READY_TIMER, 0, this.beginCountdown);
        },
        onEvents: (events) => {
          for (const e of events) this.deps.broadcaster.event(this.id, e);
        },
        onStats: (stats) => (this.tickCost = stats),
        onFinished: (results) => this.onRaceFinished(results),
        onError: (error) => {
          this.deps.log.error({ raceId: this.id, err: error }, 'race failed');
          void this.abort();
        },
      },
    );
    if (!this.watched) this.host.setWatched(false);
    for (const [k, action] of this.pendingInputs) this.host.setInput(k, action);
    for (const seat of this.seats) {
      if (seat.driver.kind !== 'human' || seat.connected) continue;
      if (this.timers.has(graceTimer(seat.carIndex))) this.host.setInput(seat.carIndex, null);
      else this.host.retire(seat.carIndex, 'disconnected');
    }
  }

  private beginCountdown = (): void => {
    if (this.disposed || this.status !== 'waiting') return;
    // A countdown is for people: a race nobody watches starts at once.
    const countdownMs = this.watched ? this.settings.countdownMs : 0;
    this.countdownEndsAtMs = this.deps.clock.nowMs() + countdownMs;
    this.setStatus('countdown');
    const seconds = Math.ceil(countdownMs / 1000);
    for (let s = seconds; s >= 1; s--) {
      this.timers.set(`${COUNTDOWN_TIMER}:${s}`, countdownMs - s * 1000, () =>
        this.deps.broadcaster.event(this.id, { type: 'countdown', secondsLeft: s }),
      );
    }
    this.timers.set(COUNTDOWN_TIMER, countdownMs, this.startRace);
  };

  private startRace = (): void => {
    this.countdownEndsAtMs = null;
    this.startedAt = new Date();
    this.setStatus('racing');
    this.deps.broadcaster.event(this.id, { type: 'start', tick: 0 });
    this.host?.start();
  };

  private retire(carIndex: number): void {
    this.timers.cancel(graceTimer(carIndex));
    if (this.host !== null) {
      this.host.retire(carIndex, 'disconnected');
      return;
    }
    // Still waiting: the car stays on the grid and is out from the start (seats keep their indices).
  }

  private onRaceFinished(raceResults: RaceResults): void {
    const results: RaceResults = {
      ...raceResults,
      ladder: this.settings.ladder ?? false,
      startedAt: this.startedAt?.toISOString() ?? null,
    };
    this.finishedResults = results;
    this.timers.clear();
    this.setStatus('finished');
    this.deps.broadcaster.results(this.id, results);
    this.deps.resultsSink
      .save(results)
      .catch((err: unknown) => this.deps.log.error({ raceId: this.id, err }, 'saving results failed'));
    this.resolveFinished(results);
    if (!this.disposed) this.timers.set(LINGER_TIMER, this.settings.resultsLingerMs, () => this.close());
  }

  private close(): void {
    this.dispose();
    this.deps.onClosed(this);
  }

  private setStatus(status: RaceStatus): void {
    this.status = status;
    this.deps.log.info({ raceId: this.id, status }, 'race status');
    this.publishState();
    this.deps.onChange(this);
  }

  private publishState(): void {
    this.deps.broadcaster.state(this.id, this.stateMessage());
  }
}

function carId(carIndex: number): string {
  return `car${carIndex}`;
}
