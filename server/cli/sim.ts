/**
 * `npm run sim -- <command>`: the CarRacing port from the command line.
 *
 *   track   --seed N [--v0]                      the track as JSON: { seed, track: [[alpha, beta, x, y], ...] }
 *   rollout --seed N --actions FILE [--discrete] [--v0] [--float64] [--frames-dir DIR [--frames-every K]]
 *                                                replays a JSON array of actions; prints { steps: [...] }
 *   random  --seed N [--discrete] [--v0]         a uniformly random policy to the end of the episode
 *   evaluate --agent PATH --seeds A-B [--style v0|v3] [--json]
 *                                                an agent's full episodes: per-seed return, tiles, lap (evaluateCommand.ts)
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCarRacingEnv, type CarRacingEnv } from '../../shared/env/carRacingEnv.ts';
import type { CarRacingAction } from '../../shared/env/actions.ts';
import { Pcg64Generator } from '../../shared/sim/rng/pcg64.ts';
import type { IntegerSeed } from '../../shared/sim/rng/seedSequence.ts';
import { buildTrack } from '../../shared/sim/trackRoad.ts';
import { EVALUATE_USAGE, EvaluateUsageError, runEvaluateCli } from './evaluateCommand.ts';
import { writeRgbPng } from './observationPng.ts';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

const USAGE = `usage: npm run sim -- <command> [options]
  track   --seed N [--v0]
  rollout --seed N --actions FILE [--discrete] [--v0] [--float64] [--frames-dir DIR] [--frames-every K]
  random  --seed N [--discrete] [--v0]
${EVALUATE_USAGE}`;

export function parseSeed(text: string | undefined): IntegerSeed {
  if (text === undefined) throw new CliUsageError('--seed N is required');
  if (!/^\d+$/.test(text))
    throw new CliUsageError(`--seed must be a non-negative integer, got ${JSON.stringify(text)}`);
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** JSON with bigint seeds written as plain integers. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `__big__${v}` : v)).replace(
    /"__big__(\d+)"/g,
    '$1',
  );
}

export function trackCommand(seed: IntegerSeed, v0: boolean): string {
  const track = buildTrack(seed, { style: v0 ? 'v0' : 'v3' });
  return toJson({ seed, track: track.points.map((p) => [p.alpha, p.beta, p.x, p.y]) });
}

export interface RolloutOptions {
  readonly seed: IntegerSeed;
  readonly actions: readonly CarRacingAction[];
  readonly discrete: boolean;
  readonly v0: boolean;
  /** Keep actions as float64 instead of rounding them to float32 like Gymnasium's Box(float32). */
  readonly float64: boolean;
  readonly framesDir?: string;
  readonly framesEvery: number;
}

export interface RolloutStep {
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly pos: [number, number];
  readonly angle: number;
  readonly vel: [number, number];
  readonly ang_vel: number;
  readonly tile_visited_count: number;
}

export function parseActions(text: string, discrete: boolean): CarRacingAction[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`actions file is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new CliUsageError('actions file must hold a JSON array of actions');
  return data.map((a: unknown, i) => {
    if (discrete) {
      if (typeof a !== 'number' || !Number.isInteger(a))
        throw new CliUsageError(`action ${i}: expected an integer 0..4`);
      return a;
    }
    if (!Array.isArray(a) || a.length !== 3 || a.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new CliUsageError(`action ${i}: expected [steer, gas, brake] numbers, got ${JSON.stringify(a)}`);
    }
    return a as number[];
  });
}

function makeEnv(discrete: boolean, v0: boolean, render: boolean): CarRacingEnv {
  return createCarRacingEnv({ continuous: !discrete, style: v0 ? 'v0' : 'v3', render });
}

function stepRecord(env: CarRacingEnv, r: { reward: number; terminated: boolean; truncated: boolean }): RolloutStep {
  const s = env.simulation!.carState(0);
  return {
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated,
    pos: [s.hullPosition[0], s.hullPosition[1]],
    angle: s.hullAngle,
    vel: [s.hullLinearVelocity[0], s.hullLinearVelocity[1]],
    ang_vel: s.hullAngularVelocity,
    tile_visited_count: env.tileVisitedCount,
  };
}

export function rolloutCommand(options: RolloutOptions): RolloutStep[] {
  const framesDir = options.framesDir;
  const env = makeEnv(options.discrete, options.v0, framesDir !== undefined);
  const frame = (step: number, obs: Uint8Array | null): void => {
    if (framesDir !== undefined && obs !== null) {
      writeRgbPng(join(framesDir, `step_${String(step).padStart(4, '0')}.png`), obs, 96, 96);
    }
  };
  if (framesDir !== undefined) mkdirSync(framesDir, { recursive: true });
  const reset = env.reset({ seed: options.seed });
  frame(0, reset.observation);
  const steps: RolloutStep[] = [];
  for (let i = 0; i < options.actions.length; i++) {
    const raw = options.actions[i];
    const action = typeof raw === 'number' || options.float64 ? raw : Array.from(raw, (v) => Math.fround(v));
    const r = env.step(action);
    steps.push(stepRecord(env, r));
    const step = i + 1;
    const ended = r.terminated || r.truncated;
    if (step % options.framesEvery === 0 || ended) frame(step, r.observation);
    if (ended) break;
  }
  return steps;
}

/** Gymnasium's `action_space.sample()`, drawn from a generator seeded with the episode seed. */
export function randomCommand(seed: IntegerSeed, discrete: boolean, v0: boolean): number {
  // The policy never looks at the frames, and rendering changes nothing else: skip it.
  const env = makeEnv(discrete, v0, false);
  const rng = Pcg64Generator.fromSeed(seed);
  env.reset({ seed });
  let total = 0;
  for (;;) {
    const action: CarRacingAction = discrete
      ? rng.integers(5)
      : [rng.uniform(-1, 1), rng.uniform(0, 1), rng.uniform(0, 1)].map((v) => Math.fround(v));
    const r = env.step(action);
    total += r.reward;
    if (r.terminated || r.truncated) return total;
  }
}

export function runCli(argv: readonly string[]): string {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: [...rest],
    options: {
      seed: { type: 'string' },
      v0: { type: 'boolean', default: false },
      discrete: { type: 'boolean', default: false },
      float64: { type: 'boolean', default: false },
      actions: { type: 'string' },
      'frames-dir': { type: 'string' },
      'frames-every': { type: 'string', default: '1' },
    },
    strict: true,
  });
  switch (command) {
    case 'track':
      return trackCommand(parseSeed(values.seed), values.v0);
    case 'rollout': {
      if (values.actions === undefined) throw new CliUsageError('rollout needs --actions FILE');
      const framesEvery = Number(values['frames-every']);
      if (!Number.isInteger(framesEvery) || framesEvery < 1)
        throw new CliUsageError('--frames-every must be a positive integer');
      const steps = rolloutCommand({
        seed: parseSeed(values.seed),
        actions: parseActions(readFileSync(values.actions, 'utf8'), values.discrete),
        discrete: values.discrete,
        v0: values.v0,
        float64: values.float64,
        framesDir: values['frames-dir'],
        framesEvery,
      });
      return toJson({ steps });
    }
    case 'random':
      return `Total Reward: ${randomCommand(parseSeed(values.seed), values.discrete, values.v0)}`;
    default:
      throw new CliUsageError(
        command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`,
      );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  try {
    const out = argv[0] === 'evaluate' ? await runEvaluateCli(argv.slice(1)) : runCli(argv);
    process.stdout.write(out + '\n');
  } catch (err) {
    const usage =
      err instanceof CliUsageError ||
      err instanceof EvaluateUsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`${(err as Error).message}\n${usage ? USAGE + '\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}
