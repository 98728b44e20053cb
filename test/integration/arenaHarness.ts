import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startArena, type Arena, type ArenaDeps } from '../../server/arena.ts';
import { parseServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
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
    ...env,
  });
  return startArena(config, { log: createLogger(config.logLevel), seedAgents: [], ...deps });
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
