import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgentEpisode } from '../../agents/runtime/agentEpisode.ts';
import { loadAgentPolicy } from '../../agents/runtime/loadAgentPolicy.ts';
import { readAgentFromPath } from '../../cli/evaluateCommand.ts';
import { runTrainDqnCli } from '../../cli/trainDqn.ts';

const root = mkdtempSync(join(tmpdir(), 'train-dqn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function drives(manifestPath: string): Promise<void> {
  const agent = await readAgentFromPath(manifestPath);
  const policy = await loadAgentPolicy(agent);
  try {
    const episode = await runAgentEpisode(policy, { seed: 4, maxSteps: 20 });
    expect(episode.steps).toBe(20);
    expect(episode.faults).toBe(0);
  } finally {
    await policy.model.dispose();
  }
}

describe('npm run train:dqn', () => {
  it('trains the seed network on frames and writes an sarenac-dqn-v1 genome the arena loads', async () => {
    const out = join(root, 'frame');
    // Small: the seed network costs ~0.3-0.5 s per batch on this machine (README: the full timings).
    const summary = JSON.parse(
      await runTrainDqnCli([
        '--steps',
        '24',
        '--batch',
        '4',
        '--train-every',
        '4',
        '--max-episode-steps',
        '60',
        '--out',
        out,
        '--quiet',
      ]),
    ) as { steps: number; agent: string };
    expect(summary.steps).toBe(24);
    const manifest = JSON.parse(readFileSync(summary.agent, 'utf8')) as {
      model: { architecture: string };
      control: { actionRepeat: number };
    };
    expect(manifest.model.architecture).toBe('sarenac-dqn-v1');
    expect(manifest.control.actionRepeat).toBe(4);
    await drives(summary.agent);
  });

  it('trains on state features, logs episodes, and writes an ONNX agent the arena loads', async () => {
    const out = join(root, 'state');
    const summary = JSON.parse(
      await runTrainDqnCli([
        '--observation',
        'state-v1',
        '--steps',
        '400',
        '--lr',
        '0.001',
        '--max-episode-steps',
        '200',
        '--out',
        out,
        '--quiet',
      ]),
    ) as { episodes: number; agent: string };
    expect(summary.episodes).toBe(8);
    expect(readFileSync(join(out, 'returns.csv'), 'utf8').trim().split('\n')).toHaveLength(9);
    await drives(join(out, 'latest', 'manifest.json'));
  });
});
