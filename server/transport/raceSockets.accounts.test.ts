/**
 * Socket identity: a socket.io server with the real lobby and race sockets, accounts on a real
 * database; the session cookie of the handshake decides whether a seat carries a user id.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol/events.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { AccountService } from '../accounts/accountService.ts';
import { AgentDriverRegistry } from '../drivers/agentDriver.ts';
import { SESSION_COOKIE } from '../http/currentUser.ts';
import { Lobby } from '../lobby/lobby.ts';
import { createLogger } from '../log.ts';
import { ManualTime } from '../race/clock.ts';
import { InProcessRaceHostFactory } from '../race/inProcessRaceHostFactory.ts';
import { RaceRoom } from '../rooms/raceRoom.ts';
import { InMemoryResultsSink } from '../store/inMemoryResultsSink.ts';
import { attachRaceSockets } from './raceSockets.ts';
import { SocketRaceBroadcaster, type ArenaIo } from './socketRaceBroadcaster.ts';

describe('race sockets with accounts', () => {
  let db: TestDatabase;
  let accounts: AccountService;
  let lobby: Lobby;
  let http: HttpServer;
  let io: ArenaIo;
  let port: number;
  const clients: Socket[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    accounts = new AccountService(db.prisma);
    const time = new ManualTime(); // time stands still: rooms wait for drivers, nothing starts
    const log = createLogger('silent');
    const broadcaster = new SocketRaceBroadcaster();
    lobby = new Lobby({
      clock: time,
      scheduler: time,
      hosts: new InProcessRaceHostFactory(time, time),
      broadcaster,
      resultsSink: new InMemoryResultsSink(),
      agents: new AgentDriverRegistry(),
      log,
      lobbyWaitMs: 60_000,
      disconnectGraceMs: 10_000,
      resultsLingerMs: 1000,
    });
    http = createServer();
    io = new Server(http);
    broadcaster.attach(io);
    attachRaceSockets(io, lobby, time, log, accounts);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  });

  afterEach(() => {
    vi.restoreAllMocks();
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await lobby?.shutdown();
    await new Promise<void>((resolve) => (io ? io.close(() => resolve()) : resolve()));
    await db?.drop();
  });

  async function client(cookie?: string): Promise<Socket> {
    const socket = connect(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      ...(cookie === undefined ? {} : { extraHeaders: { cookie } }),
    });
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** Joins a fresh race and returns the arguments RaceRoom.join was called with. */
  async function joinArgs(socket: Socket, name: string): Promise<unknown[]> {
    const raceId = lobby.create({ laps: 1, bots: [], maxCars: 4 }).id;
    const join = vi.spyOn(RaceRoom.prototype, 'join');
    try {
      const reply = (await socket.timeout(5000).emitWithAck('race:join', { raceId, name })) as Reply<{
        carIndex: number;
      }>;
      expect(reply).toMatchObject({ ok: true, carIndex: 0 });
      expect(join).toHaveBeenCalledTimes(1);
      return join.mock.calls[0];
    } finally {
      join.mockRestore();
    }
  }

  it('seats a logged-in user with their user id', async () => {
    const user = await accounts.register('Speedy', 'speedy password');
    const { token } = await accounts.login('Speedy', 'speedy password');
    const socket = await client(`theme=dark; ${SESSION_COOKIE}=${token}`);
    expect(await joinArgs(socket, 'Speedy')).toEqual(['Speedy', undefined, user.id]);
  });

  it('seats guests (no cookie, or a stale one) under their nickname only', async () => {
    const guest = await client();
    expect(await joinArgs(guest, 'Guest')).toEqual(['Guest', undefined, undefined]);
    const stale = await client(`${SESSION_COOKIE}=${'A'.repeat(43)}`);
    expect(await joinArgs(stale, 'Stale')).toEqual(['Stale', undefined, undefined]);
  });

  it('resolves the user once, at connection: logging out later does not change the socket', async () => {
    const user = await accounts.register('Once', 'once password');
    const { token } = await accounts.login('Once', 'once password');
    const socket = await client(`${SESSION_COOKIE}=${token}`);
    await accounts.logout(token);
    expect((await joinArgs(socket, 'Once'))[2]).toBe(user.id);
    const after = await client(`${SESSION_COOKIE}=${token}`);
    expect((await joinArgs(after, 'Once'))[2]).toBeUndefined();
  });
});
