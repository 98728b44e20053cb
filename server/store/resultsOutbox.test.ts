import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { migrateDatabase } from '../db/database.ts';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../db/embeddedPostgres.ts';
import { PrismaClient } from '../db/generated/client.ts';
import { createLogger } from '../log.ts';
import { PrismaResultsSink } from './prismaResultsSink.ts';
import { relabel, runBotRace } from './raceResults.testutil.ts';
import { decodeReplayPayload } from './replayCodec.ts';
import { isDatabaseUnavailable, outboxFileName, ResultsOutbox, type RaceResultsWriter } from './resultsOutbox.ts';

const log = createLogger('silent');
let base: RaceResults;
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  base = runBotRace({ raceId: 'base', seed: 5, difficulties: ['hard', 'medium', 'easy', 'hard'] });
  // Signed zeros must survive the file: make sure the log has one.
  const log0 = base.actionLog[0] as (readonly [number, number, number] | null)[];
  log0[0] = [-0, 0.5, 0];
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('ResultsOutbox with a failing store', () => {
  it('keeps results on disk, atomically, exactly, and writes them in finish order once the store answers', async () => {
    const dir = tempDir('outbox-');
    let up = false;
    const written: string[] = [];
    const store: RaceResultsWriter = {
      write(results) {
        if (!up) return Promise.reject(new Error('ECONNREFUSED'));
        written.push(results.raceId);
        return Promise.resolve();
      },
    };
    const outbox = new ResultsOutbox({ dir, store, log, retryInitialMs: 20, retryMaxMs: 100 });
    await outbox.start();
    await outbox.save(relabel(base, 'r-b'));
    await new Promise((r) => setTimeout(r, 5));
    await outbox.save(relabel(base, 'r-a'));
    expect(readdirSync(dir).sort()).toEqual(['r-a.json', 'r-b.json']);
    expect(await outbox.pending()).toEqual(['r-b', 'r-a']);
    const file = JSON.parse(readFileSync(join(dir, 'r-b.json'), 'utf8')) as { results: RaceResults };
    expect(file.results).toEqual({ ...base, raceId: 'r-b' });
    expect(Object.is(file.results.actionLog[0][0]![0], -0)).toBe(true);
    up = true;
    await until(async () => (await outbox.pending()).length === 0);
    expect(written).toEqual(['r-b', 'r-a']);
    // With the backlog gone, saves go straight to the store.
    await outbox.save(relabel(base, 'r-c'));
    expect(written).toEqual(['r-b', 'r-a', 'r-c']);
    expect(readdirSync(dir)).toEqual([]);
    await outbox.close();
  });

  it('does not let a race that cannot be written hold up the others, and sets it aside', async () => {
    const dir = tempDir('outbox-');
    let up = false;
    const written: string[] = [];
    const store: RaceResultsWriter = {
      write(results) {
        if (!up) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
        if (results.raceId === 'bad') return Promise.reject(new Error('violates check constraint'));
        written.push(results.raceId);
        return Promise.resolve();
      },
    };
    const outbox = new ResultsOutbox({ dir, store, log, retryInitialMs: 10, retryMaxMs: 20, maxAttempts: 3 });
    await outbox.start();
    await outbox.save(relabel(base, 'bad'));
    await new Promise((r) => setTimeout(r, 5));
    await outbox.save(relabel(base, 'good'));
    up = true;
    await until(() => readdirSync(dir).length === 1 && readdirSync(dir)[0] === 'bad.json.failed');
    expect(written).toEqual(['good']);
    await outbox.close();
  });

  it('tells an unreachable database from a failing write', () => {
    expect(isDatabaseUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'P1001' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: { code: '08006' } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'P2002' }))).toBe(false);
  });

  it('sets unreadable files aside, removes stale temp files, and names odd ids safely', async () => {
    const dir = tempDir('outbox-');
    writeFileSync(join(dir, 'broken.json'), '{"version":1,');
    writeFileSync(join(dir, 'x.json.abc.tmp'), 'partial');
    const outbox = new ResultsOutbox({ dir, store: { write: () => Promise.resolve() }, log });
    await outbox.start();
    expect(readdirSync(dir)).toEqual(['broken.json.bad']);
    expect(outboxFileName('../../etc/passwd')).toMatch(/^race-[0-9a-f]{32}\.json$/);
    expect(outboxFileName('abc-123_X')).toBe('abc-123_X.json');
    await outbox.close();
  });
});

describe('ResultsOutbox over a database outage', () => {
  let pgDir: string;
  let port: number;
  let server: RunningPostgres | null = null;
  let prisma: PrismaClient;

  beforeAll(async () => {
    pgDir = tempDir('outbox-pg-');
    port = await freePort();
    server = await startEmbeddedPostgres(pgDir, log, port);
    await migrateDatabase(server.url, log);
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: server.url }) });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await server?.stop();
  });

  it('loses nothing when the database stops and comes back, and drains at start-up', async () => {
    const url = server!.url;
    const outboxDir = join(pgDir, 'outbox');
    let boardsEvents = 0;
    const sink = new PrismaResultsSink({ prisma, log, onRatingsChanged: () => boardsEvents++ });
    // maxAttempts 1: an outage error taken for a failing write would set the file aside at once.
    const outbox = new ResultsOutbox({
      dir: outboxDir,
      store: sink,
      log,
      retryInitialMs: 100,
      retryMaxMs: 400,
      maxAttempts: 1,
    });
    await outbox.start();

    await outbox.save(relabel(base, 'o-1'));
    expect(await prisma.race.count()).toBe(1);

    await server!.stop();
    server = null;
    await outbox.save(relabel(base, 'o-2'));
    await outbox.save(relabel(base, 'o-3'));
    expect(readdirSync(outboxDir).sort()).toEqual([outboxFileName('o-2'), outboxFileName('o-3')]);
    // Retries go on while the database is away; nothing is dropped.
    await new Promise((r) => setTimeout(r, 600));
    expect((await outbox.pending()).sort()).toEqual(['o-2', 'o-3']);

    // The database comes back: the running outbox's retry writes the waiting races.
    server = await startEmbeddedPostgres(pgDir, log, port);
    expect(server.url).toBe(url);
    await until(async () => (await outbox.pending()).length === 0);
    expect(await prisma.race.count()).toBe(3);

    // Down again, and the server process stops with a race on disk: the next start-up drains it.
    await server.stop();
    server = null;
    await outbox.save(relabel(base, 'o-4'));
    await outbox.close();
    expect(readdirSync(outboxDir)).toEqual([outboxFileName('o-4')]);
    server = await startEmbeddedPostgres(pgDir, log, port);
    const restarted = new ResultsOutbox({
      dir: outboxDir,
      store: sink,
      log,
      retryInitialMs: 100,
      retryMaxMs: 400,
      maxAttempts: 1,
    });
    await restarted.start();
    expect(await restarted.pending()).toEqual([]);

    const races = await prisma.race.findMany({ orderBy: { finishedAt: 'asc' }, include: { replay: true } });
    expect(races.map((r) => r.id)).toEqual(['o-1', 'o-2', 'o-3', 'o-4']);
    for (const race of races) {
      expect(await prisma.raceEntry.count({ where: { raceId: race.id } })).toBe(4);
      const payload = decodeReplayPayload(race.replay!.actionLog);
      expect(payload.actionLog).toEqual(base.actionLog);
      expect(Object.is(payload.actionLog[0][0]![0], -0)).toBe(true);
    }
    // Every race rated once, in order.
    for (const r of await prisma.rating.findMany()) expect(r.races).toBe(4);
    expect(await prisma.ratingHistory.count()).toBe(4 * 3);
    expect(boardsEvents).toBe(4);
    expect(existsSync(outboxDir) && readdirSync(outboxDir)).toEqual([]);
    await restarted.close();
  });
});

describe('ResultsOutbox on the shared test database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('removes a file whose race is stored already without writing it twice', async () => {
    const dir = tempDir('outbox-');
    const sink = new PrismaResultsSink({ prisma: db.prisma, log });
    await sink.save(relabel(base, 'dup-1'));
    const first = await db.prisma.rating.findMany({ orderBy: { subjectId: 'asc' } });
    // The same race left on disk by a run that crashed after its commit.
    const writer = new ResultsOutbox({ dir, store: { write: () => Promise.reject(new Error('down')) }, log });
    await writer.save(relabel(base, 'dup-1'));
    await writer.close();
    expect(readdirSync(dir)).toEqual(['dup-1.json']);
    const outbox = new ResultsOutbox({ dir, store: sink, log });
    await outbox.start();
    expect(readdirSync(dir)).toEqual([]);
    expect(await db.prisma.rating.findMany({ orderBy: { subjectId: 'asc' } })).toEqual(first);
    expect(await db.prisma.race.count()).toBe(1);
    await outbox.close();
  });
});
