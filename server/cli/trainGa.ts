/**
 * `npm run train:ga -- [options]`: evolve an arena agent (server/training/ga/gaTrainer.ts).
 * Prints a progress bar and one line per generation on stderr, and a JSON summary on stdout.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TRAINING_RUN_OPTIONS } from './trainingCliOptions.ts';
import { GA_ARCHITECTURES, type GaArchitecture } from '../training/genomeManifest.ts';
import { trainGa, type GaTrainOptions } from '../training/ga/gaTrainer.ts';
import { uploadAgentFolder } from '../training/uploadToArena.ts';

export const TRAIN_GA_USAGE = `usage: npm run train:ga -- [options]
  --algorithm es|seed-ga        OpenAI-ES (default) or the seed tutorial's GA (bugs fixed)
  --arch arena-state-mlp-v1|jankowski-convnet-v1
                                the network: MLP on the 24 state features (default) or the seed GA conv net on pixels
  --generations N               [default 100]
  --population N                genomes per generation, even [default 48]
  --seeds-per-gen N             track seeds every genome is scored on per generation [default 4]
  --seed N                      seed of the run (initial genomes, noise, track seeds) [default 1]
  --workers N                   worker threads scoring genomes; 0 = this thread [default: cores]
  --max-steps N                 episode time limit [default 1000]
  --stall-steps N               end an episode after N steps without a new tile; 0 = never [default 100]
  --lap-bonus B                 fitness bonus for a completed lap [default 0: the plain return]
  --sigma S --lr A --weight-decay L          ES: noise, Adam step, L2 [0.1, 0.03, 0.005]
  --selection ranking|roulette --crossover P --mutation-rate P --mutation seed|gaussian --mutation-sigma S
                                seed GA [ranking, 0.8, 0.4, seed, 0.02]
  --init PATH                   start from this genome (genome.json, or an agent's manifest.json) [default: fresh]
  --out DIR                     run folder [default runs/ga-<arch>-s<seed>]
  --resume                      continue the run in --out from its checkpoint
  --snapshot-every N            keep snapshots/gen-NNNN/ every N generations [default 10; 0 = never]
  --name NAME                   agent name in the manifests
  --quiet                       no progress on stderr
  --upload URL --user NAME --password PW [--register]
                                send best/ to a running arena when done (or ARENA_USER, ARENA_PASSWORD)`;

export class TrainUsageError extends Error {
  override readonly name = 'TrainUsageError';
}

export function intOption(values: Record<string, unknown>, key: string, fallback: number, min = 0): number {
  const text = values[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new TrainUsageError(`--${key} must be an integer >= ${min}, got ${String(text)}`);
  return n;
}

export function numberOption(values: Record<string, unknown>, key: string, fallback: number): number {
  const text = values[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new TrainUsageError(`--${key} must be a number >= 0, got ${String(text)}`);
  return n;
}

export function choice<T extends string>(value: unknown, allowed: readonly T[], key: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new TrainUsageError(`--${key} is one of ${allowed.join(', ')}`);
  return value as T;
}

export async function runTrainGaCli(argv: readonly string[]): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      algorithm: { type: 'string' },
      arch: { type: 'string' },
      generations: { type: 'string' },
      population: { type: 'string' },
      'seeds-per-gen': { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      'max-steps': { type: 'string' },
      'stall-steps': { type: 'string' },
      'lap-bonus': { type: 'string' },
      sigma: { type: 'string' },
      lr: { type: 'string' },
      'weight-decay': { type: 'string' },
      selection: { type: 'string' },
      crossover: { type: 'string' },
      'mutation-rate': { type: 'string' },
      mutation: { type: 'string' },
      'mutation-sigma': { type: 'string' },
      init: { type: 'string' },
      'snapshot-every': { type: 'string' },
      ...TRAINING_RUN_OPTIONS,
    },
    strict: true,
  });
  if (values.help) return TRAIN_GA_USAGE;
  const architecture: GaArchitecture = choice(values.arch, GA_ARCHITECTURES, 'arch', 'arena-state-mlp-v1');
  const options: GaTrainOptions = {
    algorithm: choice(values.algorithm, ['es', 'seed-ga'] as const, 'algorithm', 'es'),
    architecture,
    generations: intOption(values, 'generations', 100, 1),
    population: intOption(values, 'population', 48, 2),
    seedsPerGeneration: intOption(values, 'seeds-per-gen', 4, 1),
    seed: intOption(values, 'seed', 1),
    maxSteps: intOption(values, 'max-steps', 1000, 1),
    stallSteps: intOption(values, 'stall-steps', 100),
    lapBonus: numberOption(values, 'lap-bonus', 0),
    sigma: numberOption(values, 'sigma', 0.1),
    learningRate: numberOption(values, 'lr', 0.03),
    weightDecay: numberOption(values, 'weight-decay', 0.005),
    selection: choice(values.selection, ['ranking', 'roulette'] as const, 'selection', 'ranking'),
    crossoverRate: numberOption(values, 'crossover', 0.8),
    mutationRate: numberOption(values, 'mutation-rate', 0.4),
    mutation: choice(values.mutation, ['seed', 'gaussian'] as const, 'mutation', 'seed'),
    mutationSigma: numberOption(values, 'mutation-sigma', 0.02),
    ...(values.init === undefined ? {} : { init: values.init }),
  };
  if (options.population % 2 !== 0) throw new TrainUsageError('--population must be even');
  const upload = values.upload;
  const user = values.user ?? process.env.ARENA_USER;
  const password = values.password ?? process.env.ARENA_PASSWORD;
  if (upload !== undefined && (user === undefined || password === undefined)) {
    throw new TrainUsageError('--upload needs --user and --password (or ARENA_USER and ARENA_PASSWORD)');
  }
  const outDir = values.out ?? join('runs', `ga-${architecture}-s${options.seed}`);
  const commandLine = ['npm run train:ga --', ...argv.filter((a, i) => !isSecret(argv, i))].join(' ');
  const result = await trainGa(options, {
    outDir,
    workers: intOption(values, 'workers', availableParallelism()),
    resume: values.resume,
    name: values.name ?? `GA ${architecture} s${options.seed}`,
    commandLine,
    snapshotEvery: intOption(values, 'snapshot-every', 10),
    quiet: values.quiet,
  });
  const summary: Record<string, unknown> = { ...result, agent: join(outDir, 'best', 'manifest.json') };
  if (upload !== undefined && user !== undefined && password !== undefined) {
    summary.upload = await uploadAgentFolder(join(outDir, 'best'), {
      url: upload,
      user,
      password,
      register: values.register,
      ...(values.name === undefined ? {} : { name: values.name }),
    });
  }
  return JSON.stringify(summary);
}

/** Leaves the password (and its flag) out of the recorded command line. */
function isSecret(argv: readonly string[], i: number): boolean {
  return argv[i] === '--password' || argv[i - 1] === '--password' || argv[i].startsWith('--password=');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runTrainGaCli(process.argv.slice(2)).then(
    (out) => {
      process.stdout.write(`${out}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error instanceof TrainUsageError ? `${error.message}\n${TRAIN_GA_USAGE}` : error.stack) : String(error)}\n`,
      );
      process.exit(error instanceof TrainUsageError ? 2 : 1);
    },
  );
}
