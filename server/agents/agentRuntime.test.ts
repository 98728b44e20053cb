import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentDriverRegistry, type AgentDriver } from '../drivers/agentDriver.ts';
import { createLogger } from '../log.ts';
import { startAgentRuntime } from './agentRuntime.ts';
import { readSeedAgents } from './seedAgents.ts';
import { FileAgentStore } from './store/agentStore.ts';

describe('startAgentRuntime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-runtime-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the seeds once, drives them on the configured backend, forgets deleted agents, unregisters on close', async () => {
    const store = new FileAgentStore(dir);
    const registry = new AgentDriverRegistry();
    const seeds = readSeedAgents().filter((s) => s.agentId === 'seed-sarenac-dqn');
    const log = createLogger('silent');
    const runtime = await startAgentRuntime({ store, registry, log, seeds, builtinBackend: 'tfjs' });
    await runtime.seedsReady;

    const record = await store.get('seed-sarenac-dqn');
    expect(record?.report.ok).toBe(true);
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
