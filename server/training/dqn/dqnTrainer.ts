/**
 * `npm run train:dqn`: the seed tutorial's DQN (novicasarenac/car-racing-rl, agents.md §2.6) on
 * TensorFlow.js over the shared/ environment: replay memory, ε-greedy with exponential decay,
 * a target network copied every `targetUpdate` steps, smooth-L1 loss on Q(s, a), RMSprop, the
 * four discrete actions, each held for `frameSkip` env steps with their rewards summed.
 *
 * Departures from the seed, all options or stated here: one gradient step every 4 agent steps by
 * default (the seed steps every agent step: `--train-every 1`; on this 2-core machine the seed
 * network costs ~0.3-0.5 s per batch of 32 on TF.js wasm); BatchNorm uses batch statistics in the
 * gradient step and its moving statistics when acting and in the target (Keras semantics; the
 * seed kept both nets in train mode, then shipped the target net for eval mode); training tracks
 * come from the run's seeded stream, not one environment's resets; `observation: 'state-v1'`
 * swaps the pixels for the arena's 24 state features and a small MLP.
 *
 * Checkpoints keep both networks, RMSprop's state and the random stream; the replay memory is not
 * saved, so a resumed run refills it and differs from an uninterrupted one from there on.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeStateFeatures, STATE_FEATURE_COUNT } from '../../../shared/agents/stateFeatures.ts';
import { FramePipeline } from '../../../shared/agents/observationPipeline.ts';
import { createCarRacingEnv, type CarRacingEnv } from '../../../shared/env/carRacingEnv.ts';
import type { Architecture } from '../../agents/architectures/architecture.ts';
import { inputSize } from '../../agents/architectures/architecture.ts';
import type { Tf } from '../../agents/backends/tfjsRuntime.ts';
import { writeCsv, type CsvRow } from '../csvLog.ts';
import { writeChart } from '../fitnessChart.ts';
import { initGenome } from '../ga/genomeInit.ts';
import { base64ToFloat32, float32ToBase64 } from '../genomeCodec.ts';
import { SeededRng, type RngState } from '../seededRng.ts';
import { createProgressLine } from '../trainingProgress.ts';
import { MAX_COLOR, MEAN_COLOR, writeAgentFolder } from '../trainingRun.ts';
import { TRAINING_SEED_MIN } from '../ga/gaTrainer.ts';
import {
  dqnArchitecture,
  dqnManifestJson,
  dqnModelFile,
  dqnModelFileName,
  SEED_DQN_ACTIONS,
  SEED_DQN_PIPELINE,
  type DqnObservation,
} from './dqnAgentSpec.ts';
import { buildQNetwork, getGenome, nhwcInputShape, setGenome } from './qNetwork.ts';
import { ReplayMemory, type Transition } from './replayMemory.ts';
import { registerWasmConvBackpropFilter } from './wasmConvBackpropFilter.ts';

export interface DqnTrainOptions {
  readonly observation: DqnObservation;
  /** Agent steps (each `frameSkip` env steps). */
  readonly steps: number;
  readonly seed: number;
  readonly frameSkip: number;
  readonly memory: number;
  readonly batchSize: number;
  readonly gamma: number;
  readonly learningRate: number;
  readonly epsStart: number;
  readonly epsEnd: number;
  /** ε(step) = end + (start − end)·exp(−step / decay). */
  readonly epsDecay: number;
  readonly targetUpdate: number;
  /** A gradient step every this many agent steps (the seed: 1). */
  readonly trainEvery: number;
  /** Env steps per episode (Gymnasium's TimeLimit). */
  readonly maxEpisodeSteps: number;
  /** Hidden width of the state-v1 MLP. */
  readonly hidden: number;
}

export interface DqnRunOptions {
  readonly outDir: string;
  readonly backend: 'wasm' | 'cpu';
  readonly resume: boolean;
  readonly name: string;
  readonly commandLine: string;
  /** Checkpoint (and snapshot) every this many agent steps. */
  readonly checkpointEvery: number;
  readonly quiet?: boolean;
}

export interface DqnTrainResult {
  readonly steps: number;
  readonly episodes: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly bestMean10: number | null;
  readonly outDir: string;
  readonly backend: string;
}

export const DQN_CSV_COLUMNS = ['episode', 'step', 'return', 'mean10', 'tiles', 'epsilon', 'loss', 'seed'] as const;

interface DqnCheckpoint {
  readonly version: 1;
  readonly options: DqnTrainOptions;
  readonly step: number;
  readonly rng: RngState;
  readonly online: string;
  readonly target: string;
  readonly optimizer: { name: string; shape: number[]; data: string }[];
  readonly history: CsvRow[];
  readonly bestMean10: number | null;
  readonly seconds: number;
}

/** TF.js with the chosen backend (wasm gets the filter-gradient kernel it lacks). */
export async function loadTfjsForTraining(backend: 'wasm' | 'cpu'): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmConvBackpropFilter(tf);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not initialise`);
  await tf.ready();
  return tf;
}

/** One environment, its episodes and the observation the network reads. */
class DqnEnvironment {
  readonly env: CarRacingEnv;
  private frame: Uint8Array | null = null;
  private readonly pipeline = new FramePipeline(SEED_DQN_PIPELINE);
  episodeReturn = 0;
  episodeSeed = 0;

  constructor(
    readonly observation: DqnObservation,
    readonly arch: Architecture,
    maxEpisodeSteps: number,
  ) {
    this.env = createCarRacingEnv({ style: 'v3', maxEpisodeSteps, render: observation === 'frame' });
  }

  reset(seed: number): Float32Array {
    this.episodeSeed = seed;
    this.episodeReturn = 0;
    this.frame = this.env.reset({ seed }).observation;
    return this.observe();
  }

  /** Holds `action` for `skip` env steps (fewer if the episode ends), summing rewards. */
  step(action: readonly [number, number, number], skip: number): { reward: number; done: boolean } {
    let reward = 0;
    for (let k = 0; k < skip; k++) {
      const r = this.env.step([action[0], action[1], action[2]]);
      reward += r.reward;
      this.frame = r.observation;
      if (r.terminated || r.truncated) {
        this.episodeReturn += reward;
        return { reward, done: true };
      }
    }
    this.episodeReturn += reward;
    return { reward, done: false };
  }

  observe(): Float32Array {
    const out = new Float32Array(inputSize(this.arch));
    if (this.observation === 'state-v1') {
      const f = new Float32Array(STATE_FEATURE_COUNT);
      computeStateFeatures(this.env.simulation!, this.env.track!.points, 0, f);
      out.set(f);
    } else {
      if (this.frame === null) throw new Error('no frame rendered');
      // One channel: NHWC and NCHW are the same memory.
      out.set(this.pipeline.run(this.frame).data);
    }
    return out;
  }
}

function argmaxRow(values: Float32Array | Int32Array | Uint8Array, row: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (values[row * width + i] > values[row * width + best]) best = i;
  return best;
}

export async function trainDqn(options: DqnTrainOptions, run: DqnRunOptions): Promise<DqnTrainResult> {
  mkdirSync(run.outDir, { recursive: true });
  const checkpointPath = join(run.outDir, 'checkpoint.json');
  const resumed =
    run.resume && existsSync(checkpointPath)
      ? (JSON.parse(readFileSync(checkpointPath, 'utf8')) as DqnCheckpoint)
      : null;
  const o: DqnTrainOptions = resumed === null ? options : { ...resumed.options, steps: options.steps };
  const tf = await loadTfjsForTraining(run.backend);
  const arch = dqnArchitecture(o.observation, o.hidden);
  const actions = SEED_DQN_ACTIONS.length;
  const rng = resumed === null ? SeededRng.fromSeed(o.seed) : new SeededRng(resumed.rng);
  const online = buildQNetwork(tf, arch);
  const target = buildQNetwork(tf, arch);
  const optimizer = tf.train.rmsprop(o.learningRate, 0.99, 0, 1e-8);
  if (resumed === null) {
    const init = initGenome(arch, rng);
    setGenome(tf, online, arch, init);
    setGenome(tf, target, arch, init);
  } else {
    setGenome(tf, online, arch, base64ToFloat32(resumed.online));
    setGenome(tf, target, arch, base64ToFloat32(resumed.target));
  }
  const memory = new ReplayMemory(o.memory);
  const environment = new DqnEnvironment(o.observation, arch, o.maxEpisodeSteps);
  const history: CsvRow[] = resumed?.history ?? [];
  let bestMean10 = resumed?.bestMean10 ?? null;
  let step = resumed?.step ?? 0;
  const startStep = step;
  let secondsBefore = resumed?.seconds ?? 0;
  const started = performance.now();
  const inputShape = nhwcInputShape(arch);
  const sampleSize = inputSize(arch);
  const losses: number[] = [];

  const training = (extra: Record<string, unknown>): Record<string, unknown> => ({
    env: 'CarRacing-v3 (shared/ port)',
    algorithm: 'DQN (seed: novicasarenac/car-racing-rl)',
    options: o,
    backend: `tfjs-${run.backend}`,
    commandLine: run.commandLine,
    ...extra,
  });
  const saveAgent = (dir: string, net: tfTypes.LayersModel, extra: Record<string, unknown>): void => {
    const genome = getGenome(net, arch);
    const manifest = dqnManifestJson({
      observation: o.observation,
      name: run.name,
      actionRepeat: o.frameSkip,
      training: training(extra),
    });
    writeAgentFolder(
      dir,
      manifest,
      new Map([[dqnModelFileName(o.observation), dqnModelFile(o.observation, arch, genome)]]),
    );
  };
  const saveCheckpoint = async (): Promise<void> => {
    const weights = await optimizer.getWeights();
    const cp: DqnCheckpoint = {
      version: 1,
      options: o,
      step,
      rng: rng.state,
      online: float32ToBase64(getGenome(online, arch)),
      target: float32ToBase64(getGenome(target, arch)),
      optimizer: weights.map((w) => ({
        name: w.name,
        shape: w.tensor.shape,
        data: float32ToBase64(w.tensor.dataSync() as Float32Array),
      })),
      history,
      bestMean10,
      seconds: secondsBefore + (performance.now() - started) / 1000,
    };
    writeFileSync(`${checkpointPath}.tmp`, JSON.stringify(cp));
    renameSync(`${checkpointPath}.tmp`, checkpointPath);
  };
  const writeLog = (): void => {
    writeCsv(join(run.outDir, 'returns.csv'), DQN_CSV_COLUMNS, history);
    writeChart(
      join(run.outDir, 'returns.png'),
      [
        { name: 'return', color: MAX_COLOR, values: history.map((r) => Number(r.return)) },
        { name: 'mean10', color: MEAN_COLOR, values: history.map((r) => Number(r.mean10)) },
      ],
      { xStart: 1 },
    );
  };

  const trainStep = (batch: Transition[]): number => {
    const n = batch.length;
    const s = new Float32Array(n * sampleSize);
    const s2 = new Float32Array(n * sampleSize);
    const a = new Int32Array(n);
    const r = new Float32Array(n);
    const notDone = new Float32Array(n);
    batch.forEach((t, i) => {
      s.set(t.state, i * sampleSize);
      s2.set(t.next, i * sampleSize);
      a[i] = t.action;
      r[i] = t.reward;
      notDone[i] = t.done ? 0 : 1;
    });
    return tf.tidy(() => {
      const next = target.predict(tf.tensor(s2, [n, ...inputShape])) as tfTypes.Tensor2D;
      const y = tf.tensor1d(r).add(next.max(1).mul(tf.tensor1d(notDone)).mul(o.gamma));
      const mask = tf.oneHot(tf.tensor1d(a, 'int32'), actions);
      const x = tf.tensor(s, [n, ...inputShape]);
      const loss = optimizer.minimize(() => {
        const q = online.apply(x, { training: true }) as tfTypes.Tensor2D;
        return tf.losses.huberLoss(y, q.mul(mask).sum(1)) as tfTypes.Scalar;
      }, true);
      return loss === null ? NaN : (loss.dataSync()[0] ?? NaN);
    });
  };

  if (resumed !== null) {
    // The optimizer's slots exist once it has stepped: one step on zero gradients creates them.
    tf.tidy(() => {
      optimizer.minimize(
        () =>
          (online.apply(tf.zeros([1, ...inputShape]), { training: false }) as tfTypes.Tensor)
            .mul(0)
            .sum() as tfTypes.Scalar,
      );
    });
    const saved = resumed.optimizer;
    await optimizer.setWeights(
      saved.map((w) => ({ name: w.name, tensor: tf.tensor(base64ToFloat32(w.data), w.shape) })),
    );
    step = resumed.step;
  }

  const progress = createProgressLine('dqn');
  let state: Float32Array | null = null;
  let lastMean10 = NaN;
  const seedFor = (): number => TRAINING_SEED_MIN + rng.int(1_000_000_000);
  while (step < o.steps) {
    if (state === null) state = environment.reset(seedFor());
    if (step % o.targetUpdate === 0) target.setWeights(online.getWeights());
    const eps = o.epsEnd + (o.epsStart - o.epsEnd) * Math.exp(-step / o.epsDecay);
    let action: number;
    if (rng.next() < eps) action = rng.int(actions);
    else {
      const q = tf.tidy(() => (online.predict(tf.tensor(state!, [1, ...inputShape])) as tfTypes.Tensor).dataSync());
      action = argmaxRow(q as Float32Array, 0, actions);
    }
    const { reward, done } = environment.step(SEED_DQN_ACTIONS[action], o.frameSkip);
    const next = environment.observe();
    memory.push({ state, action, reward, next, done });
    state = next;
    step++;
    if (memory.size > o.batchSize && step % o.trainEvery === 0) losses.push(trainStep(memory.sample(o.batchSize, rng)));
    if (done) {
      const returns = [...history.map((h) => Number(h.return)), environment.episodeReturn];
      const last = returns.slice(-10);
      lastMean10 = last.reduce((x, y) => x + y, 0) / last.length;
      const loss = losses.length === 0 ? NaN : losses.reduce((x, y) => x + y, 0) / losses.length;
      losses.length = 0;
      history.push({
        episode: history.length + 1,
        step,
        return: environment.episodeReturn,
        mean10: lastMean10,
        tiles: environment.env.tileVisitedCount,
        epsilon: eps,
        loss: Number.isFinite(loss) ? loss : '',
        seed: environment.episodeSeed,
      });
      if (returns.length >= 10 && (bestMean10 === null || lastMean10 > bestMean10)) {
        bestMean10 = lastMean10;
        saveAgent(join(run.outDir, 'best'), online, { step, episode: history.length, mean10: lastMean10 });
      }
      writeLog();
      state = null;
    }
    if (step % run.checkpointEvery === 0 || step === o.steps) {
      saveAgent(join(run.outDir, 'latest'), online, { step, episode: history.length });
      saveAgent(join(run.outDir, 'snapshots', `step-${String(step).padStart(7, '0')}`), online, {
        step,
        episode: history.length,
      });
      await saveCheckpoint();
    }
    if (!run.quiet && (step % 25 === 0 || step === o.steps)) {
      progress.update(
        step,
        o.steps,
        `ep ${history.length} eps ${eps.toFixed(3)} mean10 ${Number.isFinite(lastMean10) ? lastMean10.toFixed(1) : '-'}`,
      );
    }
  }
  progress.finish();
  writeLog();
  const seconds = (performance.now() - started) / 1000;
  secondsBefore += seconds;
  online.dispose();
  target.dispose();
  optimizer.dispose();
  return {
    steps: step,
    episodes: history.length,
    seconds: secondsBefore,
    stepsPerSecond: (step - startStep) / seconds,
    bestMean10,
    outDir: run.outDir,
    backend: `tfjs-${run.backend}`,
  };
}
