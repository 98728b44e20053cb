/**
 * `npm run bench:db [count] [concurrency] [laps]`: how many finished races per second the results
 * store writes (PrismaResultsSink: race row, 8 entries, gzip'd replay, ratings and rating history,
 * one transaction each), on the embedded PostgreSQL in a temporary folder.
 *
 * Each race: 8 cars, 4 agent versions drawn from 24 and 4 bots, all rated, the action log of a
 * real `laps`-lap race of bots (RaceEngine). Races are written `concurrency` at a time (as races
 * ending together on a busy server would be), then one at a time, then again with the action log
 * cut to its first 50 ticks: the store's own cost (transaction, ratings) without the replay's bulk.
 * A replay is ~100 bytes per car-second after gzip (actions are full-precision doubles), so the
 * figure depends on race length.
 *
 * Target (persistence issue): >= 200 races/s on a 2-core machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { RaceResults } from '../shared/protocol/events.ts';
import { migrateDatabase } from '../server/db/database.ts';
import { startEmbeddedPostgres } from '../server/db/embeddedPostgres.ts';
import { PrismaClient } from '../server/db/generated/client.ts';
import { createLogger } from '../server/log.ts';
import { PrismaResultsSink } from '../server/store/prismaResultsSink.ts';
import { relabel, runBotRace, type Identity } from '../server/store/raceResults.testutil.ts';
import { encodeReplayPayload } from '../server/store/replayCodec.ts';

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const LAPS = Number(process.argv[4] ?? 1);
const AGENTS = 24;

const log = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'arena-bench-db-'));
const pg = await startEmbeddedPostgres(dir, log);
try {
  await migrateDatabase(pg.url, log);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: pg.url, max: CONCURRENCY + 2 }) });
  await prisma.agent.createMany({
    data: Array.from({ length: AGENTS }, (_, i) => ({
      id: `agent-${i}`,
      name: `Agent ${i}`,
      format: 'onnx',
      manifest: {},
      modelSha256: 'x',
      report: {},
    })),
  });

  const base = runBotRace({
    raceId: 'base',
    seed: 42,
    difficulties: ['hard', 'medium', 'easy', 'hard', 'medium', 'easy', 'hard', 'medium'],
    laps: LAPS,
    timeLimitTicksPerLap: 1000,
  });
  const replayBytes = (await encodeReplayPayload({ actionLog: base.actionLog, retirements: base.retirements }))
    .byteLength;
  console.log(
    `race: 8 cars, ${LAPS} lap(s), ${base.ticks} ticks, replay ${(replayBytes / 1024).toFixed(1)} KiB gzip'd; ` +
      `${COUNT} races, ${CONCURRENCY} at a time`,
  );

  let next = 0;
  let ticksKept = Number.POSITIVE_INFINITY;
  function race(prefix: string, i: number): RaceResults {
    const ids: Partial<Record<number, Identity>> = {};
    // 4 distinct agents per race, on varying cars.
    const start = (i * 5) % AGENTS;
    for (let j = 0; j < 4; j++) ids[(i + 2 * j) % 8] = { kind: 'agent', agentId: `agent-${(start + j * 7) % AGENTS}` };
    const results = relabel(base, `${prefix}-${i}`, ids);
    return ticksKept < results.actionLog.length
      ? { ...results, actionLog: results.actionLog.slice(0, ticksKept), retirements: [] }
      : results;
  }

  const sink = new PrismaResultsSink({ prisma });
  async function run(prefix: string, count: number, concurrency: number): Promise<number> {
    next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const outcome = await sink.write(race(prefix, i));
          if (!outcome.written || outcome.ratingUpdates.length !== 7)
            throw new Error(`race ${i}: not written as expected`);
        }
      }),
    );
    return count / ((performance.now() - t0) / 1000);
  }

  await run('warmup', 50, CONCURRENCY);
  const parallel = await run('par', COUNT, CONCURRENCY);
  const serial = await run('ser', Math.min(COUNT, 500), 1);
  ticksKept = 50;
  const short = await run('short', COUNT, CONCURRENCY);
  const [races, history] = await Promise.all([prisma.race.count(), prisma.ratingHistory.count()]);
  const duplicate = await sink.write(race('par', 0));
  console.log(
    `stored ${races} races, ${history} rating-history rows; a duplicate write wrote ${duplicate.written ? 'again (BUG)' : 'nothing'}`,
  );
  console.log(`bench:db ${parallel.toFixed(0)} races/s written with ratings (${CONCURRENCY} at a time)`);
  console.log(`bench:db ${serial.toFixed(0)} races/s written with ratings (one at a time)`);
  console.log(
    `bench:db ${short.toFixed(0)} races/s written with ratings, action log cut to 50 ticks (${CONCURRENCY} at a time)`,
  );
  await prisma.$disconnect();
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
