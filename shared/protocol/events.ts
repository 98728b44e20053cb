import type { DnfReason, ExternalRetirementReason, RaceEvent as SimRaceEvent } from '../sim/race.ts';
import type { ErrorCode } from './errorCodes.ts';
import type { HumanInput } from './schemas.ts';

/**
 * The socket.io protocol, typed both ways: `new Server<ClientToServerEvents, ServerToClientEvents>()`
 * on the server and `io() as Socket<ServerToClientEvents, ClientToServerEvents>` in the client.
 */

export type RaceStatus = 'waiting' | 'countdown' | 'racing' | 'finished';
export type DriverKind = 'human' | 'bot' | 'agent';

/** A failed request: `code` is stable, `message` is for people. */
export interface ErrorReply {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}
export type Reply<T extends object = object> = ({ readonly ok: true } & T) | ErrorReply;

/** One race in the lobby (also `GET /api/races`). */
export interface RaceListing {
  readonly id: string;
  readonly status: RaceStatus;
  readonly laps: number;
  readonly seed: number;
  readonly cars: readonly { readonly name: string; readonly kind: DriverKind }[];
  /** Scheduled by the ladder (a rated race among agents and bots). */
  readonly ladder: boolean;
  /** Sockets watching without driving (counted about once a second, on every process). */
  readonly spectators: number;
}

export interface RaceCarInfo {
  readonly carIndex: number;
  readonly id: string;
  readonly name: string;
  readonly kind: DriverKind;
  /** Hull colour as RGB 0..255. */
  readonly color: readonly [number, number, number];
}

/**
 * `race:state`: everything static about a race plus its status, sent on spectate/join and on
 * every status change. The client rebuilds the track from `seed` and `trackStyle` with shared/.
 */
export interface RaceStateMessage {
  readonly raceId: string;
  readonly status: RaceStatus;
  readonly seed: number;
  readonly laps: number;
  readonly timeLimitTicksPerLap: number;
  readonly trackStyle: 'v3' | 'v0';
  readonly grid: 'seeded' | 'listed';
  readonly maxCars: number;
  readonly cars: readonly RaceCarInfo[];
  /** Ticks played so far (0 before the start). */
  readonly tick: number;
  /** Wall-clock ms until the countdown ends, while counting down. */
  readonly countdownMsLeft: number | null;
  /** Once the race is finished and a driver asked for a rematch: the new race's id (join or spectate it). */
  readonly rematchRaceId: string | null;
}

/**
 * `race:event`: the simulation's events plus the room's countdown, and `rematch` once a driver of
 * the finished race asked for another: `raceId` is the new room (same laps, seats and bots, new
 * seed), open for `race:join` / `race:spectate`.
 */
export type RaceEventMessage =
  | SimRaceEvent
  | { readonly type: 'countdown'; readonly secondsLeft: number }
  | { readonly type: 'start'; readonly tick: 0 }
  | { readonly type: 'rematch'; readonly raceId: string; readonly seed: number };

export interface CarResult {
  readonly carIndex: number;
  readonly id: string;
  readonly name: string;
  readonly kind: DriverKind;
  /** 1-based final position. */
  readonly position: number;
  readonly status: 'finished' | 'dnf' | 'racing';
  readonly dnfReason: DnfReason | null;
  readonly endTick: number | null;
  readonly lapTicks: readonly number[];
  readonly bestLapTicks: number | null;
  /** The car's CarRacing return (sum of its step rewards). */
  readonly totalReward: number;
  /** Who drove it: the agent (version) id; a logged-in human's account (null for guests); the bot's level. */
  readonly agentId: string | null;
  readonly userId: string | null;
  readonly botDifficulty: 'easy' | 'medium' | 'hard' | null;
}

/** Actions as the simulation took them: [steer, gas, brake], or null for no input / car out. */
export type LoggedAction = readonly [number, number, number] | null;

/** A car retired from outside the simulation, after `tick` ticks had been played. */
export interface Retirement {
  readonly tick: number;
  readonly carIndex: number;
  readonly reason: ExternalRetirementReason;
}

/**
 * `race:results`, and what the results sink stores: enough to re-simulate the race exactly with
 * shared/ (createRace with `seed` and `config`, then per tick: the retirements at that tick, then
 * stepRace with `actionLog[tick]`).
 */
export interface RaceResults {
  readonly raceId: string;
  readonly seed: number;
  /** True when the race was stopped early (server shutdown); cars still racing are listed as such. */
  readonly aborted: boolean;
  /**
   * False when the race must change no rating: the server itself fell behind real time (agents
   * are not punished for its lag), or the race was aborted.
   */
  readonly rated: boolean;
  /** 'abandoned': every human left (disconnected) and nobody finished: nothing was decided. */
  readonly unratedReason: 'serverOverload' | 'aborted' | 'abandoned' | null;
  /** Scheduled by the ladder rather than created by a person. */
  readonly ladder: boolean;
  /** When the race left the countdown (ISO 8601); null for a race that never started. */
  readonly startedAt: string | null;
  readonly config: {
    readonly laps: number;
    readonly timeLimitTicksPerLap: number;
    readonly trackStyle: 'v3' | 'v0';
    readonly grid: 'seeded' | 'listed';
    readonly cars: readonly { readonly id: string; readonly name: string }[];
  };
  readonly ticks: number;
  /** Car indices in finishing order. */
  readonly finishOrder: readonly number[];
  /** In final position order. */
  readonly cars: readonly CarResult[];
  /** `actionLog[t][k]`: car k's action at tick t + 1. */
  readonly actionLog: readonly (readonly LoggedAction[])[];
  readonly retirements: readonly Retirement[];
}

export interface ClientToServerEvents {
  'race:spectate': (payload: { raceId: string }, ack?: (reply: Reply) => void) => void;
  'race:join': (
    payload: { raceId: string; name: string; token?: string },
    ack?: (reply: Reply<{ carIndex: number; token: string }>) => void,
  ) => void;
  'race:input': (payload: HumanInput | HumanInput[], ack?: (reply: Reply) => void) => void;
  'race:leave': (ack?: (reply: Reply) => void) => void;
  /**
   * From a driver of a finished race (still showing its results): opens the rematch room, or
   * answers the one another driver opened already. The race's sockets get a `rematch` race:event.
   */
  'race:rematch': (payload: { raceId: string }, ack?: (reply: Reply<{ raceId: string }>) => void) => void;
}

export interface ServerToClientEvents {
  'race:state': (state: RaceStateMessage) => void;
  /** Binary snapshot, see snapshotCodec.ts. */
  'race:snapshot': (snapshot: Uint8Array) => void;
  /** Events of the race this socket follows (one at a time). */
  'race:event': (event: RaceEventMessage) => void;
  'race:results': (results: RaceResults) => void;
  'lobby:update': (races: readonly RaceListing[]) => void;
  /** Ratings changed (a rated race was stored): refetch these boards (GET /api/leaderboard). */
  'leaderboard:update': (update: { boards: ('agents' | 'humans' | 'all')[] }) => void;
}
