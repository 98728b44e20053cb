/**
 * The arena as several processes on one Redis and one PostgreSQL (issue 7): Debian's redis-server,
 * two web processes (A and B) and one race worker, each a real `server/main.ts`.
 * - A spectator on A watches a ladder race that the worker runs, and receives its snapshots.
 * - The leaderboard update caused by a ladder race reaches a client on B.
 * - The worker is killed (SIGKILL) in the middle of the watched race: nothing of it was stored;
 *   a new worker takes the race again (same race id) and stores it exactly once, complete; a race
 *   hosted by web process A meanwhile runs on and is stored.
 * - /readyz reports Redis, and /metrics exposes the scale-out metrics on web and worker processes.
 */
import { connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ClientToServerEvents,
  RaceListing,
  RaceResults,
  ServerToClientEvents,
} from '../../shared/protocol/events.ts';
import { startArenaProcess, type ArenaProcess } from '../support/arenaProcess.ts';
import { startRedisServer, type RedisServer } from '../support/redisServer.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function connectTo(port: number): Promise<Client> {
  const socket: Client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function until<T>(
  what: string,
  probe: () => T | null | undefined | Promise<T | null | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scale-out: two web processes and a race worker on Redis', () => {
  let redis: RedisServer;
  let db: TestDatabase;
  const processes: ArenaProcess[] = [];
  const clients: Client[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    [redis, db] = await Promise.all([startRedisServer(), createTestDatabase()]);
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      RACE_WORKERS: '1',
      WORKER_CONCURRENCY: '2',
      LADDER_CONCURRENCY: '2',
      // A dead worker's race goes back to the queue after about 2 s (lock) + 2 s (stalled check).
      LADDER_JOB_LOCK_MS: '2000',
      RESULTS_LINGER_MS: '5000',
      LOBBY_WAIT_MS: '0',
    };
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(processes.map((p) => p.stop()));
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it('spreads races, spectators and updates over processes, and loses nothing when a worker dies', async () => {
    // Web processes import the seed agents (both at once: one wins, the other finds them stored).
    const [webA, webB, worker] = await Promise.all([
      startArenaProcess('web-a', { ...env, ROLE: 'web' }, { startTimeoutMs: 120_000 }),
      startArenaProcess('web-b', { ...env, ROLE: 'web' }, { startTimeoutMs: 120_000 }),
      startArenaProcess('worker-1', { ...env, ROLE: 'worker' }, { startTimeoutMs: 120_000 }),
    ]);
    processes.push(webA, webB, worker);

    const spectator = await connectTo(webA.port);
    const boardWatcher = await connectTo(webB.port);
    clients.push(spectator, boardWatcher);
    let boardUpdatesOnB = 0;
    boardWatcher.on('leaderboard:update', () => boardUpdatesOnB++);
    let lobbyOnA: readonly RaceListing[] = [];
    spectator.on('lobby:update', (races) => (lobbyOnA = races));
    const snapshots = new Map<string, number>();
    const results = new Map<string, RaceResults>();
    spectator.on('race:snapshot', () => {
      const raceId = watching;
      if (raceId !== null) snapshots.set(raceId, (snapshots.get(raceId) ?? 0) + 1);
    });
    spectator.on('race:results', (r) => results.set(r.raceId, r));
    let watching: string | null = null;

    // A ladder race the worker runs shows up in A's lobby; the spectator on A watches it.
    const ladderRace = await until(
      'a ladder race in the lobby of web process A',
      () => lobbyOnA.find((r) => r.ladder && (r.status === 'countdown' || r.status === 'racing')),
      120_000,
    );
    watching = ladderRace.id;
    const reply = await spectator.timeout(5000).emitWithAck('race:spectate', { raceId: ladderRace.id });
    expect(reply).toEqual({ ok: true });
    await until(
      'snapshots of the watched race',
      () => ((snapshots.get(ladderRace.id) ?? 0) >= 50 ? true : null),
      30_000,
    );
    // Watched, it stays in real time (25 snapshots a second) across the worker's audience checks
    // (every second): an unwatched race would send none and run to its end at once.
    const before = snapshots.get(ladderRace.id) ?? 0;
    await new Promise((r) => setTimeout(r, 2500));
    const streamed = (snapshots.get(ladderRace.id) ?? 0) - before;
    expect(streamed).toBeGreaterThan(35);
    expect(streamed).toBeLessThan(90);

    // A race hosted by web process A itself (bots only): it must not notice the worker dying.
    const created = await fetch(`http://127.0.0.1:${webA.port}/api/races`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ laps: 1, bots: [{ difficulty: 'hard' }, { difficulty: 'easy' }], maxCars: 2 }),
    });
    expect(created.status).toBe(201);
    const webRaceId = ((await created.json()) as { id: string }).id;

    // Kill the worker mid-race (the watched race runs in real time: about 20 s for a lap).
    expect(results.has(ladderRace.id)).toBe(false);
    await worker.kill();
    const stored = async (raceId: string): Promise<number> => db.prisma.race.count({ where: { id: raceId } });
    expect(await stored(ladderRace.id)).toBe(0);

    // A new worker takes the same race again from the queue and finishes it; A's spectator sees it.
    const replacement = await startArenaProcess('worker-2', { ...env, ROLE: 'worker' }, { startTimeoutMs: 120_000 });
    processes.push(replacement);
    const retried = await until('the retried race results on web process A', () => results.get(ladderRace.id), 120_000);
    expect(retried.aborted).toBe(false);
    expect(replacement.output()).toContain(ladderRace.id);
    await until('the retried race stored', async () => ((await stored(ladderRace.id)) === 1 ? true : null), 30_000);
    const row = await db.prisma.race.findUniqueOrThrow({ where: { id: ladderRace.id }, include: { entries: true } });
    expect(row.entries).toHaveLength(retried.cars.length);

    // The web-hosted race ran on and was stored; the leaderboard update reached process B.
    await until(
      'the race on web process A stored',
      async () => ((await stored(webRaceId)) === 1 ? true : null),
      60_000,
    );
    await until('a leaderboard:update on web process B', () => (boardUpdatesOnB > 0 ? true : null), 30_000);
    const ladderStored = await db.prisma.race.count({ where: { ladder: true } });
    expect(ladderStored).toBeGreaterThanOrEqual(1);

    // Operations: Redis in /readyz; scale-out metrics on a web process and on the worker.
    const ready = (await (await fetch(`http://127.0.0.1:${webB.port}/readyz`)).json()) as {
      redis: string;
      ok: boolean;
    };
    expect(ready).toMatchObject({ ok: true, redis: 'ok' });
    const webMetrics = await (await fetch(`http://127.0.0.1:${webA.port}/metrics`)).text();
    expect(webMetrics).toMatch(/^arena_ladder_queue_depth \d+/m);
    expect(webMetrics).toMatch(/^arena_sockets_connected [1-9]/m);
    expect(webMetrics).toMatch(/^arena_results_write_failures_total 0/m);
    const workerMetrics = await (await fetch(`http://127.0.0.1:${replacement.port}/metrics`)).text();
    expect(workerMetrics).toMatch(/^arena_race_tick_duration_seconds_count [1-9]/m);
    expect(workerMetrics).toMatch(/^arena_agent_decision_seconds_count\{format="[a-z-]+"\} [1-9]/m);
    expect(workerMetrics).toMatch(/^arena_races_running \d+/m);
    const workerApi = await fetch(`http://127.0.0.1:${replacement.port}/api/races`);
    expect(workerApi.status).toBe(404);
  }, 400_000);
});
