import { randomInt, randomUUID } from 'node:crypto';
import type { RaceListing, RaceResults } from '../../shared/protocol/events.ts';
import { DEFAULT_RACE_CARS, type CreateRaceRequest } from '../../shared/protocol/schemas.ts';
import type { AgentDriverRegistry } from '../drivers/agentDriver.ts';
import type { DriverSpec } from '../drivers/driver.ts';
import {
  AgentNotFoundError,
  InvalidPayloadError,
  RaceNotFinishedError,
  RaceNotFoundError,
  ShuttingDownError,
} from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Clock, Scheduler } from '../race/clock.ts';
import type { RaceHostFactory } from '../race/raceSpec.ts';
import type { RaceBroadcaster } from '../rooms/raceBroadcaster.ts';
import { RaceRoom, type RaceRoomSettings } from '../rooms/raceRoom.ts';
import type { ResultsSink } from '../rooms/resultsSink.ts';

export interface LobbyOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly hosts: RaceHostFactory;
  readonly broadcaster: RaceBroadcaster;
  readonly resultsSink: ResultsSink;
  readonly agents: AgentDriverRegistry;
  readonly log: Logger;
  /** [default: 15000] */
  readonly lobbyWaitMs: number;
  /** [default: 10000] */
  readonly disconnectGraceMs: number;
  /** [default: 60000] */
  readonly resultsLingerMs: number;
  /** [default: 3000] */
  readonly countdownMs?: number;
  /** [default: 1000, CarRacing's time limit] */
  readonly timeLimitTicksPerLap?: number;
}

/** Seeds drawn for races created without one: the range the track generator takes. */
const MAX_RANDOM_SEED = 2 ** 31 - 1;

/** The live races: creates rooms, finds them, lists them, and closes them all on shutdown. */
export class Lobby {
  private readonly rooms = new Map<string, RaceRoom>();
  private accepting = true;

  constructor(private readonly options: LobbyOptions) {}

  /**
   * Opens a room; `ladder` marks a race the ladder scheduled; `id` is given for a race queued
   * elsewhere (a ladder job: the same id on every attempt). [default: a new UUID]
   */
  create(
    request: CreateRaceRequest,
    options: { readonly ladder?: boolean; readonly id?: string; readonly startsUnwatched?: boolean } = {},
  ): RaceRoom {
    if (!this.accepting) throw new ShuttingDownError();
    const agents = request.agents ?? [];
    for (const agentId of agents) if (!this.options.agents.has(agentId)) throw new AgentNotFoundError(agentId);
    const maxCars = request.maxCars ?? Math.max(DEFAULT_RACE_CARS, request.bots.length + agents.length);
    if (request.bots.length + agents.length > maxCars) {
      throw new InvalidPayloadError(
        `${request.bots.length} bots and ${agents.length} agents do not fit ${maxCars} cars`,
      );
    }
    const presetSeats: { name: string; driver: DriverSpec }[] = [
      ...request.bots.map((b, i) => ({
        name: `Bot ${i + 1} (${b.difficulty})`,
        driver: { kind: 'bot', difficulty: b.difficulty } as const,
      })),
      ...agents.map((agentId) => ({
        name: this.options.agents.displayName(agentId),
        driver: { kind: 'agent', agentId } as const,
      })),
    ];
    if (options.id !== undefined && this.rooms.has(options.id))
      throw new InvalidPayloadError(`race ${options.id} exists`);
    return this.open({
      id: options.id ?? randomUUID(),
      seed: request.seed ?? randomInt(MAX_RANDOM_SEED),
      laps: request.laps,
      maxCars,
      timeLimitTicksPerLap: this.options.timeLimitTicksPerLap ?? 1000,
      waitMs: request.waitSeconds !== undefined ? request.waitSeconds * 1000 : this.options.lobbyWaitMs,
      countdownMs: this.options.countdownMs ?? 3000,
      disconnectGraceMs: this.options.disconnectGraceMs,
      resultsLingerMs: this.options.resultsLingerMs,
      presetSeats,
      ladder: options.ladder ?? false,
      startsUnwatched: options.startsUnwatched ?? false,
    });
  }

  /**
   * The rematch of finished race `raceId`: a new room with the same settings (laps, seats, time
   * limit, wait) and the same bots and agents in the same seats, on a new random seed. Humans
   * are not seated: each joins the new room with `race:join`. The first call opens it and the
   * finished room announces it to its sockets; later calls (the other drivers) get the same
   * room while it is open. Throws RaceNotFoundError, RaceNotFinishedError, AgentNotFoundError
   * (an agent is gone) or ShuttingDownError.
   */
  rematch(raceId: string): RaceRoom {
    if (!this.accepting) throw new ShuttingDownError();
    const finished = this.get(raceId);
    if (finished.status !== 'finished') throw new RaceNotFinishedError(raceId);
    const open = finished.rematchRaceId === null ? undefined : this.rooms.get(finished.rematchRaceId);
    if (open !== undefined) return open;
    const settings = finished.settings;
    for (const seat of settings.presetSeats) {
      if (seat.driver.kind === 'agent' && !this.options.agents.has(seat.driver.agentId))
        throw new AgentNotFoundError(seat.driver.agentId);
    }
    let seed = randomInt(MAX_RANDOM_SEED);
    while (seed === settings.seed) seed = randomInt(MAX_RANDOM_SEED);
    const room = this.open({ ...settings, id: randomUUID(), seed });
    finished.announceRematch(room.id, seed);
    this.options.log.info({ raceId, rematchRaceId: room.id }, 'rematch opened');
    return room;
  }

  private open(settings: RaceRoomSettings): RaceRoom {
    const room: RaceRoom = new RaceRoom(settings, {
      clock: this.options.clock,
      scheduler: this.options.scheduler,
      hosts: this.options.hosts,
      broadcaster: this.options.broadcaster,
      resultsSink: this.options.resultsSink,
      log: this.options.log,
      onChange: () => this.publish(),
      onClosed: (closed) => {
        this.rooms.delete(closed.id);
        this.publish();
      },
    });
    this.rooms.set(room.id, room);
    this.publish();
    return room;
  }

  /** Throws RaceNotFoundError for an unknown id. */
  get(raceId: string): RaceRoom {
    const room = this.rooms.get(raceId);
    if (room === undefined) throw new RaceNotFoundError(raceId);
    return room;
  }

  has(raceId: string): boolean {
    return this.rooms.has(raceId);
  }

  list(): RaceListing[] {
    return [...this.rooms.values()].map((r) => r.listing());
  }

  get size(): number {
    return this.rooms.size;
  }

  /** Stops accepting races, aborts the running ones (their results are stored) and closes every room. */
  async shutdown(): Promise<RaceResults[]> {
    this.accepting = false;
    const rooms = [...this.rooms.values()];
    const results = await Promise.all(rooms.map((r) => r.abort()));
    for (const r of rooms) r.dispose();
    this.rooms.clear();
    return results.filter((r): r is RaceResults => r !== null);
  }

  private publish(): void {
    this.options.broadcaster.lobby(this.list());
  }
}
