/**
 * `npm run train:dqn -- [options]`: train a DQN agent (server/training/dqn/dqnTrainer.ts).
 * Prints a progress bar on stderr and a JSON summary on stdout.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TRAINING_RUN_OPTIONS } from './trainingCliOptions.ts';
import { trainDqn, type DqnTrainOptions } from '../training/dqn/dqnTrainer.ts';
import { uploadAgentFolder } from '../training/uploadToArena.ts';
import { choice, intOption, numberOption, TrainUsageError } from './trainGa.ts';

export const TRAIN_DQN_USAGE = `usage: npm run train:dqn -- [options]
  --observation frame|state-v1  the seed's 84x84 grayscale frame and network (default) or the 24 state features and an MLP
  --steps N                     agent steps, each --frame-skip env steps [default 150000, the seed's]
  --seed N                      seed of the run (initial weights, exploration, tracks, replay sampling) [default 1]
  --frame-skip N                env steps per decision, rewards summed [default 4]
  --memory N --batch N          replay capacity and batch [10000, 32]
  --gamma G --lr A              discount and RMSprop step [0.999, 1e-5]
  --eps-start E --eps-end E --eps-decay N     ε = end + (start − end)·exp(−step/decay) [0.9, 0.05, 30000]
  --target-update N             copy the online net to the target every N steps [10000]
  --train-every N               one gradient step every N agent steps [4; the seed: 1]
  --max-episode-steps N         env steps per episode [1000]
  --hidden N                    state-v1 MLP width [64]
  --backend wasm|cpu            TF.js backend [wasm]
  --out DIR                     run folder [default runs/dqn-<observation>-s<seed>]
  --resume                      continue the run in --out from its checkpoint (the replay memory refills)
  --checkpoint-every N          checkpoint and snapshot every N steps [5000]
  --name NAME                   agent name in the manifests
  --quiet                       no progress on stderr
  --upload URL --user NAME --password PW [--register]
                                send best/ (latest/ when no 10 episodes) to a running arena when done`;

export async function runTrainDqnCli(argv: readonly string[]): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      observation: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      'frame-skip': { type: 'string' },
      memory: { type: 'string' },
      batch: { type: 'string' },
      gamma: { type: 'string' },
      lr: { type: 'string' },
      'eps-start': { type: 'string' },
      'eps-end': { type: 'string' },
      'eps-decay': { type: 'string' },
      'target-update': { type: 'string' },
      'train-every': { type: 'string' },
      'max-episode-steps': { type: 'string' },
      hidden: { type: 'string' },
      backend: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      ...TRAINING_RUN_OPTIONS,
    },
    strict: true,
  });
  if (values.help) return TRAIN_DQN_USAGE;
  const observation = choice(values.observation, ['frame', 'state-v1'] as const, 'observation', 'frame');
  const options: DqnTrainOptions = {
    observation,
    steps: intOption(values, 'steps', 150_000, 1),
    seed: intOption(values, 'seed', 1),
    frameSkip: intOption(values, 'frame-skip', 4, 1),
    memory: intOption(values, 'memory', 10_000, 1),
    batchSize: intOption(values, 'batch', 32, 1),
    gamma: numberOption(values, 'gamma', 0.999),
    learningRate: numberOption(values, 'lr', 1e-5),
    epsStart: numberOption(values, 'eps-start', 0.9),
    epsEnd: numberOption(values, 'eps-end', 0.05),
    epsDecay: numberOption(values, 'eps-decay', 30_000),
    targetUpdate: intOption(values, 'target-update', 10_000, 1),
    trainEvery: intOption(values, 'train-every', 4, 1),
    maxEpisodeSteps: intOption(values, 'max-episode-steps', 1000, 1),
    hidden: intOption(values, 'hidden', 64, 1),
  };
  const user = values.user ?? process.env.ARENA_USER;
  const password = values.password ?? process.env.ARENA_PASSWORD;
  if (values.upload !== undefined && (user === undefined || password === undefined)) {
    throw new TrainUsageError('--upload needs --user and --password (or ARENA_USER and ARENA_PASSWORD)');
  }
  const outDir = values.out ?? join('runs', `dqn-${observation}-s${options.seed}`);
  const redacted = argv.filter(
    (a, i) => a !== '--password' && argv[i - 1] !== '--password' && !a.startsWith('--password='),
  );
  const result = await trainDqn(options, {
    outDir,
    backend: choice(values.backend, ['wasm', 'cpu'] as const, 'backend', 'wasm'),
    resume: values.resume,
    name: values.name ?? `DQN ${observation} s${options.seed}`,
    commandLine: ['npm run train:dqn --', ...redacted].join(' '),
    checkpointEvery: intOption(values, 'checkpoint-every', 5000, 1),
    quiet: values.quiet,
  });
  const agentDir = join(outDir, result.bestMean10 === null ? 'latest' : 'best');
  const summary: Record<string, unknown> = { ...result, agent: join(agentDir, 'manifest.json') };
  if (values.upload !== undefined && user !== undefined && password !== undefined) {
    summary.upload = await uploadAgentFolder(agentDir, {
      url: values.upload,
      user,
      password,
      register: values.register,
      ...(values.name === undefined ? {} : { name: values.name }),
    });
  }
  return JSON.stringify(summary);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runTrainDqnCli(process.argv.slice(2)).then(
    (out) => {
      process.stdout.write(`${out}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      const usage = error instanceof TrainUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(
        `${error instanceof Error ? (usage ? `${error.message}\n${TRAIN_DQN_USAGE}` : error.stack) : String(error)}\n`,
      );
      process.exit(usage ? 2 : 1);
    },
  );
}
