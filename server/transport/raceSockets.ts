import { z } from 'zod';
import { clampAction } from '../../shared/protocol/actionSpace.ts';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import {
  joinSchema,
  raceInputSchema,
  rematchSchema,
  spectateSchema,
  type HumanInput,
} from '../../shared/protocol/schemas.ts';
import type { AccountService, AccountUser } from '../accounts/accountService.ts';
import type { RaceListing, RaceStateMessage } from '../../shared/protocol/events.ts';
import { NotADriverError, RaceNotFoundError } from '../errors.ts';
import { userFromCookieHeader } from '../http/currentUser.ts';
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../race/clock.ts';
import { guarded } from './guarded.ts';
import { RateLimiter } from './rateLimiter.ts';
import { raceChannel, type ArenaIo } from './socketRaceBroadcaster.ts';

/** Inputs a socket may send per second. */
export const INPUT_RATE_PER_SECOND = 60;
/** Other requests (spectate, join, leave, rematch) a socket may send per second. */
export const REQUEST_RATE_PER_SECOND = 10;

/**
 * Races other processes run (with Redis: ladder races on the race workers). Spectators follow
 * them through their socket.io channel, which the Redis adapter spans; nobody drives them from here.
 */
export interface RemoteRaces {
  /** Every process's races (the lobby). */
  list(): Promise<RaceListing[]>;
  /** The latest state of a race another process runs; null when none has it. */
  state(raceId: string): Promise<RaceStateMessage | null>;
  /** Tells the process running `raceId` that someone watches now (back to real time at once). */
  watched(raceId: string): void;
}

/**
 * The socket.io edge: `race:spectate`, `race:join`, `race:input`, `race:leave`, `race:rematch`. Each handler is
 * guarded (rate limit, zod), then talks to the lobby and rooms; replies go to the ack.
 *
 * With `accounts`, the session cookie of the handshake is resolved once per connection: a
 * logged-in user's seats carry their user id (rated); guests drive under their nickname as before.
 */
export function attachRaceSockets(
  io: ArenaIo,
  lobby: Lobby,
  clock: Clock,
  log: Logger,
  accounts?: Pick<AccountService, 'userForToken'>,
  remote?: RemoteRaces,
): void {
  const users = new WeakMap<object, AccountUser>();
  if (accounts !== undefined) {
    io.use((socket, next) => {
      userFromCookieHeader(accounts, socket.handshake.headers.cookie).then(
        (user) => {
          if (user !== undefined) users.set(socket, user);
          next();
        },
        (err: unknown) => {
          // The database is down: let them in as a guest rather than not at all.
          log.warn({ err }, 'socket session lookup failed; connecting as a guest');
          next();
        },
      );
    });
  }

  io.on('connection', (socket) => {
    const user = users.get(socket);
    const inputs = new RateLimiter(INPUT_RATE_PER_SECOND, clock);
    const requests = new RateLimiter(REQUEST_RATE_PER_SECOND, clock);
    const request = { limiter: requests, rateCode: ErrorCode.RATE_LIMITED, log } as const;

    const leaveCurrent = (): void => {
      const { raceId, carIndex } = socket.data;
      if (raceId === undefined) return;
      if (carIndex !== undefined && lobby.has(raceId)) lobby.get(raceId).leave(carIndex);
      void socket.leave(raceChannel(raceId));
      socket.data = {};
    };
    const leaveCurrentIfLive = (): void => {
      try {
        leaveCurrent();
      } catch {
        socket.data = {}; // the room has closed already
      }
    };
    const sendCurrentState = (raceId: string): void => {
      const room = lobby.get(raceId);
      socket.emit('race:state', room.stateMessage());
      const snapshot = room.latestSnapshot;
      if (snapshot !== null) socket.emit('race:snapshot', snapshot);
      if (room.results !== null) socket.emit('race:results', room.results);
    };

    socket.on(
      'race:spectate',
      guarded({ schema: spectateSchema, ...request }, async ({ raceId }) => {
        if (lobby.has(raceId) || remote === undefined) {
          lobby.get(raceId);
          leaveCurrentIfLive();
          socket.data = { raceId };
          void socket.join(raceChannel(raceId));
          sendCurrentState(raceId);
          return;
        }
        const state = await remote.state(raceId);
        if (state === null) throw new RaceNotFoundError(raceId);
        leaveCurrentIfLive();
        socket.data = { raceId };
        void socket.join(raceChannel(raceId));
        socket.emit('race:state', state);
        remote.watched(raceId);
      }),
    );

    socket.on(
      'race:join',
      guarded({ schema: joinSchema, ...request }, ({ raceId, name, token }) => {
        const room = lobby.get(raceId);
        const seat = room.join(name, token, user?.id);
        if (socket.data.raceId !== raceId || socket.data.carIndex !== seat.carIndex) leaveCurrentIfLive();
        socket.data = { raceId, carIndex: seat.carIndex };
        void socket.join(raceChannel(raceId));
        sendCurrentState(raceId);
        return seat;
      }),
    );

    socket.on(
      'race:input',
      guarded({ schema: raceInputSchema, limiter: inputs, rateCode: ErrorCode.INPUT_RATE_LIMITED, log }, (payload) => {
        const { raceId, carIndex } = socket.data;
        if (raceId === undefined || carIndex === undefined) throw new NotADriverError();
        const newest = newestInput(Array.isArray(payload) ? payload : [payload], socket.data.lastSeq ?? -1);
        if (newest === null) return; // only inputs already seen (a redundant copy)
        socket.data.lastSeq = newest.seq;
        lobby.get(raceId).input(carIndex, clampAction(newest));
      }),
    );

    socket.on(
      'race:leave',
      guarded({ schema: z.undefined(), ...request }, () => {
        leaveCurrent();
      }),
    );

    socket.on(
      'race:rematch',
      guarded({ schema: rematchSchema, ...request }, ({ raceId }) => {
        // Only a driver of that race (seated by race:join and not gone with race:leave) may ask.
        if (socket.data.raceId !== raceId || socket.data.carIndex === undefined) {
          lobby.get(raceId);
          throw new NotADriverError(`this connection drove no car in race ${raceId}`);
        }
        return { raceId: lobby.rematch(raceId).id };
      }),
    );

    if (remote === undefined) socket.emit('lobby:update', lobby.list());
    else
      remote.list().then(
        (races) => socket.emit('lobby:update', races),
        (err: unknown) => log.warn({ err }, 'could not read the race directory'),
      );

    socket.on('disconnect', () => {
      const { raceId, carIndex } = socket.data;
      if (raceId === undefined || carIndex === undefined) return;
      try {
        lobby.get(raceId).disconnect(carIndex);
      } catch {
        // the room has closed already
      }
    });
  });
}

/** The input with the highest seq above `lastSeq`, or null when every one was seen already. */
function newestInput(inputs: readonly HumanInput[], lastSeq: number): HumanInput | null {
  let newest: HumanInput | null = null;
  for (const i of inputs) if (i.seq > lastSeq && (newest === null || i.seq > newest.seq)) newest = i;
  return newest;
}
