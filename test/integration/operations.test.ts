import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import { PrismaClient } from '../../server/db/generated/client.ts';
import { createOperationsRouter } from '../../server/http/operationsRoutes.ts';
import { ArenaMetrics } from '../../server/metrics/arenaMetrics.ts';
import { connectClient, createRace, startTestArena, type ArenaClient } from './arenaHarness.ts';

const METRIC_NAMES = [
  'arena_race_tick_duration_seconds',
  'arena_race_tick_p99_seconds',
  'arena_races_running',
  'arena_sockets_connected',
  'arena_results_write_failures_total',
  'arena_ladder_queue_depth',
  'process_cpu_seconds_total',
];

/** The value of an unlabelled sample in Prometheus text. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no sample ${name}`);
  return Number(line.slice(name.length + 1));
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('operations endpoints on a real arena', () => {
  let arena: Arena;
  let base: string;
  const clients: ArenaClient[] = [];

  beforeAll(async () => {
    arena = await startTestArena({}, { raceDefaults: { countdownMs: 100, timeLimitTicksPerLap: 2000 } });
    base = `http://127.0.0.1:${arena.port}`;
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await arena?.close();
  });

  const metrics = async (): Promise<string> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('serves the metrics, the socket count and running races moving', async () => {
    const before = await metrics();
    for (const name of METRIC_NAMES) expect(before).toContain(`# TYPE ${name} `);
    expect(sample(before, 'arena_sockets_connected')).toBe(0);
    expect(sample(before, 'arena_races_running')).toBe(0);

    clients.push(await connectClient(arena));
    expect(await metrics()).toContain('\narena_sockets_connected 1\n');

    const raceId = await createRace(arena, { laps: 1, bots: [{ difficulty: 'hard' }], maxCars: 1, waitSeconds: 0 });
    await until(async () => {
      const text = await metrics();
      return (
        sample(text, 'arena_races_running') === 1 &&
        sample(text, 'arena_race_tick_duration_seconds_count') >= 1 &&
        text.includes(`arena_race_tick_p99_seconds{race="${raceId}"} `)
      );
    });

    clients.pop()!.disconnect();
    await until(async () => sample(await metrics(), 'arena_sockets_connected') === 0);
  });

  it('is ready while the database answers', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'ok', redis: 'not configured' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('/readyz without a database', () => {
  let prisma: PrismaClient;
  let app: HttpServer;
  let silent: TcpServer;
  const held: Socket[] = [];

  /** An operations app whose database is `url`. */
  async function serve(url: string): Promise<string> {
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    const server = express().use(createOperationsRouter({ metrics: new ArenaMetrics(), prisma }));
    app = createHttpServer(server);
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    // Accepts connections and never answers: a database that hangs.
    silent = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  async function stop(): Promise<void> {
    await new Promise((resolve) => app.close(resolve));
    await prisma.$disconnect().catch(() => undefined);
  }

  it('answers 503 with the error when the database refuses connections', async () => {
    const base = await serve('postgresql://arena:arena@127.0.0.1:1/arena');
    try {
      const started = performance.now();
      const res = await fetch(`${base}/readyz`);
      expect(performance.now() - started).toBeLessThan(2500);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ok: boolean; database: string; redis: string };
      expect(body.ok).toBe(false);
      expect(body.database).not.toBe('ok');
      expect(body.database.length).toBeGreaterThan(0);
      expect(body.redis).toBe('not configured');
    } finally {
      await stop();
    }
  });

  it('answers 503 within about 2 s when the database hangs', async () => {
    const base = await serve(`postgresql://arena:arena@127.0.0.1:${(silent.address() as AddressInfo).port}/arena`);
    try {
      const started = performance.now();
      const res = await fetch(`${base}/readyz`);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(2500);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        ok: false,
        database: 'database did not answer within 2000 ms',
        redis: 'not configured',
      });
    } finally {
      for (const s of held) s.destroy();
      await stop();
    }
  });
});
