import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REF_DATA_DIR, REPO_ROOT, readJson } from '../../test/support/referenceData.ts';
import { buildTrack } from '../../shared/sim/trackRoad.ts';
import { decodePngToRgb } from './observationPng.ts';
import { CliUsageError, runCli } from './sim.ts';

interface EpisodeStep {
  action: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  pos: [number, number];
  tile_visited_count: number;
}

function runSimProcess(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'server/cli/sim.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

describe('npm run sim -- track', () => {
  it('prints the seed and every [alpha, beta, x, y] at full double precision', () => {
    const out = JSON.parse(runSimProcess(['track', '--seed', '3'])) as { seed: number; track: number[][] };
    expect(out.seed).toBe(3);
    const points = buildTrack(3, { style: 'v3' }).points;
    expect(out.track).toEqual(points.map((p) => [p.alpha, p.beta, p.x, p.y]));
  });

  it('uses gym-v0 seeding with --v0 and accepts seeds beyond 2^53', () => {
    const v0 = JSON.parse(runCli(['track', '--seed', '0', '--v0'])) as { track: number[][] };
    expect(v0.track).toHaveLength(298);
    const big = runCli(['track', '--seed', '18446744073709551621']);
    expect(big.startsWith('{"seed":18446744073709551621,')).toBe(true);
  });

  it('rejects a missing or malformed seed and unknown commands with a usage error', () => {
    expect(() => runCli(['track'])).toThrow(CliUsageError);
    expect(() => runCli(['track', '--seed=-4'])).toThrow(/non-negative integer/);
    expect(() => runCli(['fly', '--seed', '1'])).toThrow(/unknown command/);
  });
});

describe('npm run sim -- rollout', () => {
  it('replays a reference episode: the same rewards and tile counts, poses within 1e-3', () => {
    const ep = readJson<{ seed: number; steps: EpisodeStep[] }>(resolve(REF_DATA_DIR, 'continuous_seed_02.json'));
    const dir = mkdtempSync(join(tmpdir(), 'rollout-'));
    const actionsFile = join(dir, 'actions.json');
    writeFileSync(actionsFile, JSON.stringify(ep.steps.map((s) => s.action)));
    const framesDir = join(dir, 'frames');
    const out = JSON.parse(
      runCli([
        'rollout',
        '--seed',
        String(ep.seed),
        '--actions',
        actionsFile,
        '--frames-dir',
        framesDir,
        '--frames-every',
        '50',
      ]),
    ) as { steps: (EpisodeStep & { angle: number; vel: number[]; ang_vel: number })[] };
    expect(out.steps).toHaveLength(ep.steps.length);
    out.steps.forEach((s, i) => {
      const ref = ep.steps[i];
      expect(s.reward, `step ${i + 1}`).toBe(ref.reward);
      expect(s.tile_visited_count, `step ${i + 1}`).toBe(ref.tile_visited_count);
      expect(Math.abs(s.pos[0] - ref.pos[0]) + Math.abs(s.pos[1] - ref.pos[1]), `step ${i + 1}`).toBeLessThan(1e-3);
      expect(Object.keys(s).sort()).toEqual(
        ['ang_vel', 'angle', 'pos', 'reward', 'terminated', 'tile_visited_count', 'truncated', 'vel'].sort(),
      );
    });
    expect(readdirSync(framesDir).sort()).toEqual([
      'step_0000.png',
      'step_0050.png',
      'step_0100.png',
      'step_0150.png',
      'step_0200.png',
    ]);
    const frame = decodePngToRgb(readFileSync(join(framesDir, 'step_0100.png')));
    expect([frame.width, frame.height]).toEqual([96, 96]);
  });

  it('takes discrete actions with --discrete and refuses malformed action files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollout-'));
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify([3, 3, 3, 0, 4]));
    const out = JSON.parse(runCli(['rollout', '--seed', '1', '--actions', file, '--discrete'])) as { steps: unknown[] };
    expect(out.steps).toHaveLength(5);
    writeFileSync(file, JSON.stringify([[0, 1]]));
    expect(() => runCli(['rollout', '--seed', '1', '--actions', file])).toThrow(
      /action 0: expected \[steer, gas, brake\]/,
    );
    writeFileSync(file, '{ nope');
    expect(() => runCli(['rollout', '--seed', '1', '--actions', file])).toThrow(/not JSON/);
  });
});

describe('determinism across processes', () => {
  it('gives identical steps and identical frames in a separate process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'determinism-'));
    const actionsFile = join(dir, 'actions.json');
    const actions = Array.from({ length: 120 }, (_, i) => [
      Math.sin(i / 9),
      i % 40 < 30 ? 0.7 : 0,
      i % 40 >= 34 ? 0.6 : 0,
    ]);
    writeFileSync(actionsFile, JSON.stringify(actions));
    const args = (frames: string): string[] => [
      'rollout',
      '--seed',
      '9',
      '--actions',
      actionsFile,
      '--frames-dir',
      frames,
      '--frames-every',
      '10',
    ];
    const here = runCli(args(join(dir, 'a')));
    const there = runSimProcess(args(join(dir, 'b')));
    expect(there.trim()).toBe(here);
    const frames = readdirSync(join(dir, 'a')).sort();
    expect(frames).toHaveLength(13);
    expect(readdirSync(join(dir, 'b')).sort()).toEqual(frames);
    for (const f of frames) {
      expect(readFileSync(join(dir, 'b', f)).equals(readFileSync(join(dir, 'a', f))), f).toBe(true);
    }
  });
});

describe('npm run sim -- random', () => {
  it('runs a random policy to the end of the episode and prints the total reward, the same for the same seed', () => {
    const a = runSimProcess(['random', '--seed', '5']);
    expect(a).toMatch(/^Total Reward: -?\d+(\.\d+)?(e-?\d+)?\n$/);
    expect(runCli(['random', '--seed', '5'])).toBe(a.trim());
  });
});
