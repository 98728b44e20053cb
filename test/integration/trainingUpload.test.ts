import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import { readHouseAgents } from '../../server/agents/seedAgents.ts';
import { runTrainDqnCli } from '../../server/cli/trainDqn.ts';
import { runTrainGaCli } from '../../server/cli/trainGa.ts';
import { uploadAgentFolder } from '../../server/training/uploadToArena.ts';
import { startTestArena } from './arenaHarness.ts';

/**
 * The training tools' output goes through the arena's own upload API (full validation: shapes,
 * probe frames, the 300-step trial), and the committed house agents import at start.
 */
describe('trained agents in the arena', () => {
  let arena: Arena;
  const root = mkdtempSync(join(tmpdir(), 'train-upload-'));
  const house = readHouseAgents();

  beforeAll(async () => {
    arena = await startTestArena({}, { seedAgents: house });
    await arena.agents.seedsReady;
  });
  afterAll(async () => {
    await arena.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('imports every house agent, validated', async () => {
    expect(house.length).toBeGreaterThanOrEqual(2);
    for (const agent of house) expect((await arena.agentStore.get(agent.agentId))?.report.ok).toBe(true);
  });

  it('accepts a GA genome and a DQN sent with --upload, registering the account', async () => {
    const url = `http://127.0.0.1:${arena.port}`;
    const credentials = ['--user', 'trainer-tess', '--password', 'correct horse battery', '--register'];
    const ga = JSON.parse(
      await runTrainGaCli([
        ...['--generations', '1', '--population', '2', '--seeds-per-gen', '1', '--max-steps', '100'],
        ...['--workers', '0', '--out', join(root, 'ga'), '--quiet', '--upload', url, ...credentials],
      ]),
    ) as { upload: { id: string } };
    const dqn = JSON.parse(
      await runTrainDqnCli([
        ...['--observation', 'state-v1', '--steps', '60', '--max-episode-steps', '100'],
        ...['--out', join(root, 'dqn'), '--quiet', '--upload', url, ...credentials],
      ]),
    ) as { upload: { id: string } };
    for (const id of [ga.upload.id, dqn.upload.id]) expect((await arena.agentStore.get(id))?.report.ok).toBe(true);
    // A second upload of the same folder logs in with the account it registered.
    const again = await uploadAgentFolder(join(root, 'ga', 'best'), {
      url,
      user: 'trainer-tess',
      password: 'correct horse battery',
      name: 'tess-ga',
    });
    expect(again.name).toBe('tess-ga');
  });
});
