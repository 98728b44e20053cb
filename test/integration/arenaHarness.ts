import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startArena, type Arena, type ArenaDeps } from '../../server/arena.ts';
import { parseServerConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/database.ts';
import { createLogger } from '../../server/log.ts';
import { createTestDatabase } from '../support/testDatabase.ts';
import type { ClientToServerEvents, Reply, ServerToClientEvents } from '../../shared/protocol/events.ts';

export type ArenaClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real arena on a random port (workers included), quiet logs, its data in a fresh temporary
 * folder, and no seed agents unless `deps.seedAgents` asks for them (importing validates them,
 * which costs a few seconds of CPU the timing tests should not share).
 */
export async function startTestArena(env: Record<string, string> = {}, deps: Partial<ArenaDeps> = {}): Promise<Arena> {
  const config = parseServerConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    CLIENT_DIST_DIR: '/nonexistent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'arena-test-')),
    LADDER_CONCURRENCY: '0',
    ...env,
  });
  // A fresh database on the test run's PostgreSQL, dropped when the arena closes.
  const db = await createTestDatabase();
  const database: Database = { prisma: db.prisma, url: db.url, embedded: null, close: () => db.drop() };
  const arena = await startArena(config, { log: createLogger(config.logLevel), seedAgents: [], database, ...deps });
  return {
    ...arena,
    close: async () => {
      await arena.close();
      await db.drop();
    },
  };
}

export async function connectClient(arena: Arena): Promise<ArenaClient> {
  const socket: ArenaClient = connect(`http://127.0.0.1:${arena.port}`, {
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export async function createRace(arena: Arena, body: unknown): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${arena.port}/api/races`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/races: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Emits with an ack and returns the reply. */
export function request<T extends object = object>(
  socket: ArenaClient,
  event: string,
  ...args: unknown[]
): Promise<Reply<T>> {
  return (
    socket.timeout(5000) as unknown as { emitWithAck: (e: string, ...a: unknown[]) => Promise<Reply<T>> }
  ).emitWithAck(event, ...args);
}

export function waitFor<T>(
  socket: ArenaClient,
  event: keyof ServerToClientEvents,
  predicate: (payload: T) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const listener = (...args: unknown[]): void => {
      const payload = args[0] as T;
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

export interface LoggedIn {
  readonly id: string;
  readonly name: string;
  /** Send these with a request to make it as this user (the session cookie). */
  readonly headers: { readonly cookie: string };
}

/** Registers an account (a random name unless given) and logs in; returns the session cookie. */
export async function registerAndLogin(
  arena: Arena,
  credentials: { name: string; password: string } = {
    name: `u-${randomBytes(6).toString('hex')}`,
    password: 'correct horse battery',
  },
  register = true,
): Promise<LoggedIn> {
  const base = `http://127.0.0.1:${arena.port}`;
  const post = (path: string): Promise<Response> =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
  if (register) {
    const registered = await post('/api/register');
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  }
  const login = await post('/api/login');
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const user = (await login.json()) as { id: string; name: string };
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('arena_session='));
  if (cookie === undefined) throw new Error('login set no arena_session cookie');
  return { id: user.id, name: user.name, headers: { cookie } };
}
