import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrainGaCli } from '../../cli/trainGa.ts';
import { runAgentEpisode } from '../../agents/runtime/agentEpisode.ts';
import { loadAgentPolicy } from '../../agents/runtime/loadAgentPolicy.ts';
import { readAgentFromPath } from '../../cli/evaluateCommand.ts';

const root = mkdtempSync(join(tmpdir(), 'train-ga-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run small enough for the shared 2-core test machine (the README gives the full-size timings). */
const SMALL = ['--population', '4', '--seeds-per-gen', '1', '--max-steps', '150', '--seed', '7', '--quiet'];

/** fitness.csv without its wall-clock column. */
function figures(dir: string): string[] {
  return readFileSync(join(dir, 'fitness.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split(',')
        .filter((_, i) => i !== 6)
        .join(','),
    );
}

describe('npm run train:ga', () => {
  it('writes an agent the arena loads and drives, with its CSV, chart and command line', async () => {
    const out = join(root, 'es');
    const summary = JSON.parse(
      await runTrainGaCli([...SMALL, '--generations', '2', '--workers', '1', '--out', out]),
    ) as {
      generations: number;
      agent: string;
    };
    expect(summary.generations).toBe(2);
    expect(figures(out)).toHaveLength(3);
    const png = PNG.sync.read(readFileSync(join(out, 'fitness.png')));
    expect([png.width, png.height]).toEqual([800, 400]);

    const agent = await readAgentFromPath(summary.agent);
    const manifest = JSON.parse(agent.manifestText!) as { training: { commandLine: string } };
    expect(manifest.training.commandLine).toContain('npm run train:ga -- --population 4');
    const policy = await loadAgentPolicy(agent);
    try {
      const episode = await runAgentEpisode(policy, { seed: 3, maxSteps: 50 });
      expect(episode.steps).toBe(50);
      expect(episode.faults).toBe(0);
    } finally {
      await policy.model.dispose();
    }
  });

  it('gives the same run in this thread, in a worker, and resumed from a checkpoint', async () => {
    const straight = join(root, 'straight');
    await runTrainGaCli([...SMALL, '--generations', '2', '--workers', '1', '--out', straight]);
    const resumed = join(root, 'resumed');
    await runTrainGaCli([...SMALL, '--generations', '1', '--workers', '0', '--out', resumed]);
    await runTrainGaCli([...SMALL, '--generations', '2', '--workers', '0', '--out', resumed, '--resume']);
    expect(figures(resumed)).toEqual(figures(straight));
    const genome = (dir: string): string => readFileSync(join(dir, 'latest', 'genome.json'), 'utf8');
    expect(genome(resumed)).toBe(genome(straight));
  });

  it('--init starts from a trained genome (no crossover, no mutation: the elite is that genome)', async () => {
    const init = join(root, 'es', 'best', 'manifest.json');
    const out = join(root, 'init');
    await runTrainGaCli([
      ...SMALL,
      ...['--algorithm', 'seed-ga', '--crossover', '0', '--mutation-rate', '0', '--generations', '1'],
      ...['--workers', '0', '--init', init, '--out', out],
    ]);
    const genome = (dir: string): string =>
      (JSON.parse(readFileSync(join(dir, 'genome.json'), 'utf8')) as { data_b64: string }).data_b64;
    expect(genome(join(out, 'latest'))).toBe(genome(join(root, 'es', 'best')));
  });

  it('runs the seed GA on the pixel conv net', async () => {
    const out = join(root, 'seed-ga');
    await runTrainGaCli([
      '--algorithm',
      'seed-ga',
      '--arch',
      'jankowski-convnet-v1',
      '--population',
      '2',
      '--seeds-per-gen',
      '1',
      '--max-steps',
      '40',
      '--generations',
      '1',
      '--workers',
      '0',
      '--out',
      out,
      '--quiet',
    ]);
    const policy = await loadAgentPolicy(await readAgentFromPath(join(out, 'best', 'manifest.json')));
    try {
      expect(policy.manifest.observation.tensor.layout).toBe('HWC_AS_NCHW');
      expect(policy.model.info.inputShape).toEqual([3, 96, 96]);
    } finally {
      await policy.model.dispose();
    }
  });
});
