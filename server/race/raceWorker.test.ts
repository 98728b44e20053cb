import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { readSeedAgents } from '../agents/seedAgents.ts';
import { PrismaAgentStore } from '../agents/store/prismaAgentStore.ts';
import type { RaceSpec } from './raceSpec.ts';
import { WorkerPool } from './workerPool.ts';

const TICKS = 60;

function spec(raceId: string, agentId: string): RaceSpec {
  return {
    raceId,
    seed: 3,
    laps: 1,
    timeLimitTicksPerLap: TICKS,
    cars: [
      { id: 'a', name: 'Agent', driver: { kind: 'agent', agentId } },
      { id: 'b', name: 'Bot', driver: { kind: 'bot', difficulty: 'easy' } },
    ],
  };
}

function run(pool: WorkerPool, raceSpec: RaceSpec): Promise<RaceResults> {
  return new Promise((resolve, reject) => {
    const host = pool.create(raceSpec, {
      onSnapshot: () => {},
      onEvents: () => {},
      onStats: () => {},
      onFinished: resolve,
      onError: reject,
    });
    host.start();
  });
}

describe('race workers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('load the agents of a race from the database (databaseUrl), and retire a car whose agent is not there', async () => {
    const seed = readSeedAgents().find((s) => s.agentId === 'seed-sarenac-dqn')!;
    const manifest = JSON.parse(seed.manifestText) as Record<string, unknown> & { model: { file: string } };
    await new PrismaAgentStore(db.prisma).create(
      {
        id: seed.agentId,
        name: seed.name,
        format: 'npy-genome',
        architecture: 'sarenac-dqn-v1',
        manifest,
        modelFile: manifest.model.file,
        report: { ok: true, checks: [] },
      },
      seed.files,
    );
    const pool = new WorkerPool(1, { databaseUrl: db.url, builtinBackend: 'tfjs' });
    try {
      const results = await run(pool, spec('stored', seed.agentId));
      const agentCar = results.cars.find((c) => c.carIndex === 0)!;
      // It drove to the time limit (60 ticks is no lap), not retired for want of its agent.
      expect(agentCar.dnfReason).toBe('timeLimit');
      expect(agentCar.endTick).toBe(TICKS);
      // The agent drove: it decided actions (the log holds them once its model answered).
      expect(results.actionLog.some((tick) => tick[0] !== null)).toBe(true);

      const missing = await run(pool, spec('missing', '00000000-0000-4000-8000-000000000000'));
      expect(missing.cars.find((c) => c.carIndex === 0)).toMatchObject({ status: 'dnf', dnfReason: 'agentError' });
    } finally {
      await pool.close();
    }
  }, 120_000);
});
