import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { AgentDriverRegistry, type AgentDriver } from '../drivers/agentDriver.ts';
import { createLogger } from '../log.ts';
import { startAgentRuntime } from './agentRuntime.ts';
import { readSeedAgents } from './seedAgents.ts';
import { PrismaAgentStore } from './store/prismaAgentStore.ts';

describe('startAgentRuntime', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('imports the seeds once, drives them on the configured backend, forgets deleted agents, unregisters on close', async () => {
    const store = new PrismaAgentStore(db.prisma);
    const registry = new AgentDriverRegistry();
    const seeds = readSeedAgents().filter((s) => s.agentId === 'seed-sarenac-dqn');
    const log = createLogger('silent');
    const runtime = await startAgentRuntime({ store, registry, log, seeds, builtinBackend: 'tfjs' });
    await runtime.seedsReady;

    const record = await store.get('seed-sarenac-dqn');
    expect(record).toMatchObject({ ownerId: null, ownerName: null, version: 1, report: { ok: true } });
    expect(record?.report.trial?.backend).toMatch(/^tfjs-/);
    expect(registry.has('seed-sarenac-dqn')).toBe(true);
    expect(registry.displayName('seed-sarenac-dqn')).toBe('Sarenac DQN');

    const driver = registry.create('seed-sarenac-dqn') as AgentDriver;
    const controller = await driver.ready;
    expect(controller.policy.model.info.backend).toMatch(/^tfjs-/);
    driver.dispose();

    // A second start finds the seed in the store and imports nothing.
    const again = await startAgentRuntime({ store, registry: new AgentDriverRegistry(), log, seeds });
    await again.seedsReady;
    expect((await store.list()).map((r) => r.id)).toEqual(['seed-sarenac-dqn']);

    runtime.onAgentDeleted('seed-sarenac-dqn');
    expect(registry.has('seed-sarenac-dqn')).toBe(false);
    await runtime.onAgentStored('seed-sarenac-dqn');
    expect(registry.has('seed-sarenac-dqn')).toBe(true);
    runtime.close();
    expect(registry.has('seed-sarenac-dqn')).toBe(false);
    again.close();
  }, 60_000);
});
