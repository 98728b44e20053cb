/**
 * `npm run bench:scale [-- --seconds 60 --agents 8 --jobs 3]`: ladder races completed per minute
 * with 1 and with 2 race-worker processes (ROLE=worker), each given one race thread, on this
 * machine. Runs the real thing: Debian's redis-server, the embedded PostgreSQL, one web process
 * that keeps the ladder queue full, and the workers (`server/main.ts`), with `--agents` uploaded
 * copies of a seed GA agent so that several ladder races can run at once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/db/embeddedPostgres.ts';
import { migrateDatabase } from '../server/db/database.ts';
import { createLogger } from '../server/log.ts';
import { startArenaProcess, type ArenaProcess } from '../test/support/arenaProcess.ts';
import { startRedisServer } from '../test/support/redisServer.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    agents: { type: 'string', default: '8' },
    jobs: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const AGENTS = Number(values.agents);
const JOBS_PER_WORKER = Number(values.jobs);

const ROOT = resolve(import.meta.dirname, '..');
const SEED = join(ROOT, 'agents/seed/jankowski-ga-1995');
const log = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'arena-bench-scale-'));
const postgres = await startEmbeddedPostgres(dir, log);
const redis = await startRedisServer();
const processes: ArenaProcess[] = [];
const db = new pg.Client({ connectionString: postgres.url });

try {
  await migrateDatabase(postgres.url, log);
  await db.connect();
  const env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    RACE_WORKERS: '1',
    WORKER_CONCURRENCY: String(JOBS_PER_WORKER),
    LADDER_CONCURRENCY: '16',
    RESULTS_LINGER_MS: '1000',
    LOG_LEVEL: 'warn',
  };
  const web = await startArenaProcess('web', { ...env, ROLE: 'web', LOG_LEVEL: 'info' }, { startTimeoutMs: 180_000 });
  processes.push(web);
  await uploadAgents(`http://127.0.0.1:${web.port}`, AGENTS);
  const agents = Number((await db.query('SELECT count(*) AS n FROM "Agent"')).rows[0].n);
  console.log(
    `${agents} agents (3 seeds + ${AGENTS} uploaded GA copies); each worker: 1 race thread, ${JOBS_PER_WORKER} races at once`,
  );

  const perMinute: number[] = [];
  for (const workers of [1, 2]) {
    const started = await Promise.all(
      Array.from({ length: workers }, (_, i) =>
        startArenaProcess(
          `worker-${workers}-${i}`,
          { ...env, ROLE: 'worker', LOG_LEVEL: 'info' },
          { startTimeoutMs: 120_000 },
        ),
      ),
    );
    processes.push(...started);
    await sleep(WARMUP_SECONDS * 1000);
    const before = await finishedLadderRaces(db);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const done = (await finishedLadderRaces(db)) - before;
    const minutes = (performance.now() - t0) / 60_000;
    perMinute.push(done / minutes);
    console.log(
      `${workers} worker process${workers > 1 ? 'es' : ''}: ${done} ladder races in ${(minutes * 60).toFixed(0)} s = ${(done / minutes).toFixed(1)} races/min`,
    );
    await Promise.all(started.map((p) => p.stop()));
  }
  console.log(`speed-up with a second worker process: ${(perMinute[1] / perMinute[0]).toFixed(2)}x`);
} finally {
  await Promise.all(processes.map((p) => p.stop()));
  await db.end().catch(() => undefined);
  await redis.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Ladder races stored complete (not aborted by a worker's shutdown). */
async function finishedLadderRaces(client: pg.Client): Promise<number> {
  const result = await client.query(`SELECT count(*) AS n FROM "Race" WHERE ladder AND status = 'finished'`);
  return Number(result.rows[0].n);
}

async function uploadAgents(base: string, count: number): Promise<void> {
  const credentials = JSON.stringify({ name: 'bench-scale', password: 'bench-scale-password' });
  const json = { 'content-type': 'application/json' };
  await fetch(`${base}/api/register`, { method: 'POST', headers: json, body: credentials });
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: json, body: credentials });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const manifest = readFileSync(join(SEED, 'manifest.json'));
  const genome = readFileSync(join(SEED, 'genome-2019-12-26-I1995-S466.npy'));
  for (let i = 0; i < count; i++) {
    const form = new FormData();
    form.append('file', new Blob([manifest]), 'manifest.json');
    form.append('file', new Blob([genome]), 'genome-2019-12-26-I1995-S466.npy');
    form.append('name', `GA copy ${i + 1}`);
    const res = await fetch(`${base}/api/agents`, { method: 'POST', body: form, headers: { cookie } });
    if (res.status !== 201) throw new Error(`upload ${i + 1}: ${res.status} ${await res.text()}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
