/**
 * Golden checks shared by the two executors of the built-in architectures (builtinOnnxGraph.test.ts
 * and builtinTfjsModel.test.ts): the seed agents on the 66 reference frames and the synthetic
 * frame of agents.md §8, against testvectors.json (computed with the original PyTorch classes).
 * The preprocessing here is a private, literal transcription of §2.2 and §3.2 for the tests only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../test/support/referenceData.ts';
import { defineArchitecture, type Architecture, type LayerSpec } from '../architectures/architecture.ts';
import { JANKOWSKI_CONVNET_V1 } from '../architectures/jankowskiConvnet.ts';
import { SARENAC_DQN_V1 } from '../architectures/sarenacDqn.ts';
import { ARENA_STATE_MLP_V1 } from '../architectures/stateMlp.ts';
import { readNpy } from '../formats/npyReader.ts';
import type { PolicyModel } from '../runtime/policyModel.ts';

export type CreateModel = (arch: Architecture, genome: Float32Array) => Promise<PolicyModel>;

const TESTDATA = resolve(SHARED_DIR, 'spec/agents-testdata');
const SEED = resolve(SHARED_DIR, 'seed-agents');

export const GA_GENOMES = ['jankowski-2019-12-26-I1995-S466', 'jankowski-2019-12-17-I1495-S426'] as const;
export type GaGenomeName = (typeof GA_GENOMES)[number];

interface GaFrameVector {
  logits: number[];
  action: number[];
}
interface RefFrame {
  frames_npy_index: number;
  dqn_input_sum: number;
  ga_input_sum: number;
  dqn_q: number[];
  dqn_argmax: number;
  [gaKey: `ga:${string}`]: GaFrameVector;
}
interface SyntheticGa {
  input_sum: number;
  input_at: Record<string, number>;
  conv1_relu_sum: number;
  pool_sum: number;
  fc1_relu_sum: number;
  logits: number[];
  action: number[];
}
export interface TestVectors {
  tolerance: { dqn_q_abs: number; ga_action_abs: number; ga_logits_rel: number };
  synthetic_frame: {
    sha256_hwc_bytes: string;
    dqn: {
      input_sum: number;
      input_at: Record<string, number>;
      conv1_bn_relu_sum: number;
      conv2_bn_relu_sum: number;
      conv3_bn_relu_sum: number;
      flatten_first8: number[];
      linear1_sum: number;
      q_values: number[];
      argmax: number;
    };
    ga: Record<GaGenomeName, SyntheticGa>;
  };
  ref_frames: RefFrame[];
}

export function loadTestVectors(): TestVectors {
  return JSON.parse(readFileSync(resolve(TESTDATA, 'testvectors.json'), 'utf8')) as TestVectors;
}

/** The 66 reference frames, uint8 HWC 96×96×3 each. */
export function loadFrames(): Uint8Array[] {
  const npy = readNpy(new Uint8Array(readFileSync(resolve(TESTDATA, 'frames.npy'))), {
    file: 'frames.npy',
    dtypes: ['|u1'],
  });
  expect(npy.shape).toEqual([66, 96, 96, 3]);
  const size = 96 * 96 * 3;
  return Array.from({ length: npy.shape[0] }, (_, i) => Uint8Array.from(npy.data.subarray(i * size, (i + 1) * size)));
}

export function loadDqnGenome(): Float32Array {
  const bytes = new Uint8Array(readFileSync(resolve(SEED, 'sarenac-dqn/weights.f32.npy')));
  return readNpy(bytes, { file: 'weights.f32.npy', expectedLength: SARENAC_DQN_V1.genomeLength }).data;
}

export function loadGaGenome(name: GaGenomeName): Float32Array {
  const file = `genome-${name.slice('jankowski-'.length)}.npy`;
  const bytes = new Uint8Array(readFileSync(resolve(SEED, 'jankowski-ga', file)));
  return readNpy(bytes, { file, expectedLength: JANKOWSKI_CONVNET_V1.genomeLength }).data;
}

/** §8: R = (3x+5y) mod 256, G = (7x+11y+64) mod 256, B = (x·y) mod 256, HWC. */
export function syntheticFrame(): Uint8Array {
  const frame = new Uint8Array(96 * 96 * 3);
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 96; x++) {
      const i = (y * 96 + x) * 3;
      frame[i] = (3 * x + 5 * y) % 256;
      frame[i + 1] = (7 * x + 11 * y + 64) % 256;
      frame[i + 2] = (x * y) % 256;
    }
  }
  return frame;
}

/** §2.2: grayscale 0.299/0.587/0.144 in float64, rows 0…83, columns 6…89, float32, [1,84,84]. */
export function dqnInput(frame: Uint8Array): Float32Array {
  const out = new Float32Array(84 * 84);
  for (let y = 0; y < 84; y++) {
    for (let x = 0; x < 84; x++) {
      const i = (y * 96 + x + 6) * 3;
      out[y * 84 + x] = 0.299 * frame[i] + 0.587 * frame[i + 1] + 0.144 * frame[i + 2];
    }
  }
  return out;
}

/** §3.2: rows in reverse order, each row's 288 HWC bytes unchanged, read as [3,96,96]. */
export function gaInput(frame: Uint8Array): Float32Array {
  const out = new Float32Array(96 * 96 * 3);
  for (let y = 0; y < 96; y++) out.set(frame.subarray((95 - y) * 288, (96 - y) * 288), y * 288);
  return out;
}

export function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * The first `count` layers of `arch` (plus a flatten when they end on an image) as an
 * architecture of its own, with the matching genome prefix: an executor's intermediate output.
 */
export function truncated(arch: Architecture, genome: Float32Array, count: number): [Architecture, Float32Array] {
  const layers: LayerSpec[] = arch.layers.slice(0, count);
  const last = layers[layers.length - 1];
  const needsFlatten = arch.inputShape.length === 3 && !arch.layers.slice(0, count).some((l) => l.kind === 'flatten');
  if (needsFlatten) layers.push({ kind: 'flatten' });
  const part = defineArchitecture({
    id: `${arch.id}-upto-${count}-${last?.kind ?? 'none'}`,
    description: 'test prefix',
    inputShape: arch.inputShape,
    outputKind: 'q-values',
    layers,
  });
  return [part, genome.subarray(0, part.genomeLength)];
}

async function runOnce(model: PolicyModel, input: Float32Array, batch: number): Promise<Float32Array> {
  const out = await model.run(input, batch);
  expect(out.length).toBe(batch * model.info.outputSize);
  return out;
}

async function runPrefix(
  create: CreateModel,
  arch: Architecture,
  genome: Float32Array,
  count: number,
  input: Float32Array,
): Promise<Float32Array> {
  const [part, partGenome] = truncated(arch, genome, count);
  const model = await create(part, partGenome);
  try {
    return await runOnce(model, input, 1);
  } finally {
    await model.dispose();
  }
}

function expectRelClose(got: number, want: number, rel: number): void {
  expect(Math.abs(got - want), `got ${got}, want ${want}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));
}

/** Largest |a_i − b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A deterministic pseudo-random genome (LCG), values in ±scale. */
export function pseudoRandomGenome(length: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** arena-state-mlp-v1 in float64, straight from the PyTorch definition: the reference for the executors. */
export function stateMlpReference(genome: Float32Array, x: ArrayLike<number>): number[] {
  const linear = (input: number[], offset: number, inSize: number, outSize: number): number[] =>
    Array.from({ length: outSize }, (_, o) => {
      let acc = genome[offset + outSize * inSize + o];
      for (let i = 0; i < inSize; i++) acc += genome[offset + o * inSize + i] * input[i];
      return acc;
    });
  const h1 = linear(Array.from(x), 0, 24, 32).map(Math.tanh);
  const h2 = linear(h1, 800, 32, 32).map(Math.tanh);
  const z = linear(h2, 1856, 32, 3);
  const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
  return [Math.tanh(z[0]), sigmoid(z[1]), sigmoid(z[2])];
}

/** Registers the golden tests of both seed agents on one executor. */
export function defineGoldenTests(executor: string, create: CreateModel, report?: (line: string) => void): void {
  const vectors = loadTestVectors();
  const frames = loadFrames();
  const synthetic = syntheticFrame();
  const log = report ?? ((): void => undefined);

  describe(`${executor}: preprocessing helpers (test-only transcription of §2.2 and §3.2)`, () => {
    it('reproduces the synthetic frame and the input sums', () => {
      expect(createHash('sha256').update(synthetic).digest('hex')).toBe(vectors.synthetic_frame.sha256_hwc_bytes);
      const dqn = dqnInput(synthetic);
      expectRelClose(sum(dqn), vectors.synthetic_frame.dqn.input_sum, 1e-9);
      expect(dqn[0]).toBe(Math.fround(vectors.synthetic_frame.dqn.input_at['[0,0,0,0]']));
      expect(dqn[83 * 84 + 83]).toBe(Math.fround(vectors.synthetic_frame.dqn.input_at['[0,0,83,83]']));
      expect(dqn[10 * 84 + 20]).toBe(Math.fround(vectors.synthetic_frame.dqn.input_at['[0,0,10,20]']));
      const ga = gaInput(synthetic);
      const gaRef = vectors.synthetic_frame.ga[GA_GENOMES[0]];
      expect(sum(ga)).toBe(gaRef.input_sum);
      for (const [key, value] of Object.entries(gaRef.input_at)) {
        const [, c, i, j] = JSON.parse(key) as number[];
        expect(ga[c * 9216 + i * 96 + j], key).toBe(value);
      }
      for (const ref of vectors.ref_frames) {
        const frame = frames[ref.frames_npy_index];
        expectRelClose(sum(dqnInput(frame)), ref.dqn_input_sum, 1e-9);
        expect(sum(gaInput(frame))).toBe(ref.ga_input_sum);
      }
    });
  });

  describe(`${executor}: sarenac-dqn-v1`, () => {
    const genome = loadDqnGenome();

    it('matches the synthetic-frame layer checksums', async () => {
      const ref = vectors.synthetic_frame.dqn;
      const input = dqnInput(synthetic);
      // Layers 3, 6, 9 end the three conv + BN + ReLU blocks; 10 is the flatten, 11 linear1.
      expectRelClose(sum(await runPrefix(create, SARENAC_DQN_V1, genome, 3, input)), ref.conv1_bn_relu_sum, 1e-5);
      expectRelClose(sum(await runPrefix(create, SARENAC_DQN_V1, genome, 6, input)), ref.conv2_bn_relu_sum, 1e-5);
      const flat = await runPrefix(create, SARENAC_DQN_V1, genome, 10, input);
      expectRelClose(sum(flat), ref.conv3_bn_relu_sum, 1e-5);
      expect(maxAbsDiff(flat.subarray(0, 8), ref.flatten_first8)).toBeLessThan(1e-5);
      expect(Math.abs(sum(await runPrefix(create, SARENAC_DQN_V1, genome, 11, input)) - ref.linear1_sum)).toBeLessThan(
        1e-3,
      );
      const model = await create(SARENAC_DQN_V1, genome);
      try {
        const q = await runOnce(model, input, 1);
        expect(maxAbsDiff(q, ref.q_values)).toBeLessThan(1e-4);
        expect(argmax(q)).toBe(ref.argmax);
      } finally {
        await model.dispose();
      }
    });

    it('reproduces the Q-values of all 66 reference frames (abs ≤ 1e-4, argmax identical)', async () => {
      const model = await create(SARENAC_DQN_V1, genome);
      try {
        expect(model.info.inputShape).toEqual([1, 84, 84]);
        expect(model.info.outputSize).toBe(4);
        const refs = vectors.ref_frames;
        const q = await runOnce(model, concat(refs.map((r) => dqnInput(frames[r.frames_npy_index]))), refs.length);
        let worst = 0;
        refs.forEach((r, i) => {
          const row = q.subarray(i * 4, i * 4 + 4);
          worst = Math.max(worst, maxAbsDiff(row, r.dqn_q));
          expect(argmax(row), `frame ${i}`).toBe(r.dqn_argmax);
        });
        log(`${executor} sarenac-dqn-v1: max |ΔQ| over ${refs.length} frames = ${worst.toExponential(2)}`);
        expect(worst).toBeLessThanOrEqual(1e-4);
      } finally {
        await model.dispose();
      }
    });

    it('gives a batch of 8 the same outputs as 8 single runs', async () => {
      const model = await create(SARENAC_DQN_V1, genome);
      try {
        const inputs = frames.slice(0, 8).map(dqnInput);
        const batched = await runOnce(model, concat(inputs), 8);
        const singles = concat(await Promise.all(inputs.map((x) => runOnce(model, x, 1))));
        expect(maxAbsDiff(batched, singles)).toBeLessThanOrEqual(1e-5);
      } finally {
        await model.dispose();
      }
    });
  });

  describe(`${executor}: arena-state-mlp-v1`, () => {
    it('matches a float64 reference of the PyTorch definition, batched and single', async () => {
      const genome = pseudoRandomGenome(ARENA_STATE_MLP_V1.genomeLength, 7, 0.6);
      const batch = 8;
      const input = pseudoRandomGenome(batch * 24, 11, 3);
      const model = await create(ARENA_STATE_MLP_V1, genome);
      try {
        expect(model.info.inputShape).toEqual([24]);
        expect(model.info.outputSize).toBe(3);
        const out = await runOnce(model, input, batch);
        const want = Array.from({ length: batch }, (_, i) =>
          stateMlpReference(genome, input.subarray(i * 24, (i + 1) * 24)),
        ).flat();
        expect(maxAbsDiff(out, want)).toBeLessThan(1e-5);
        // Not saturated: the test would notice a wrong head or a swapped weight.
        expect(want.some((v) => Math.abs(v) > 0.05 && Math.abs(v) < 0.95)).toBe(true);
        const single = await runOnce(model, input.subarray(24, 48), 1);
        expect(maxAbsDiff(single, out.subarray(3, 6))).toBeLessThanOrEqual(1e-6);
      } finally {
        await model.dispose();
      }
    });
  });

  for (const name of GA_GENOMES) {
    describe(`${executor}: jankowski-convnet-v1 ${name}`, () => {
      const genome = loadGaGenome(name);
      const headless = JANKOWSKI_CONVNET_V1.layers.length - 1;

      it('matches the synthetic-frame layer checksums', async () => {
        const ref = vectors.synthetic_frame.ga[name];
        const input = gaInput(synthetic);
        // Layer 2 is the ReLU after conv1, 3 the pool, 6 the ReLU after fc1, 7 fc2 (logits).
        expectRelClose(sum(await runPrefix(create, JANKOWSKI_CONVNET_V1, genome, 2, input)), ref.conv1_relu_sum, 1e-5);
        expectRelClose(sum(await runPrefix(create, JANKOWSKI_CONVNET_V1, genome, 3, input)), ref.pool_sum, 1e-5);
        expectRelClose(sum(await runPrefix(create, JANKOWSKI_CONVNET_V1, genome, 6, input)), ref.fc1_relu_sum, 1e-5);
        const logits = await runPrefix(create, JANKOWSKI_CONVNET_V1, genome, headless, input);
        const scale = Math.max(...ref.logits.map(Math.abs));
        expect(maxAbsDiff(logits, ref.logits) / scale).toBeLessThanOrEqual(1e-4);
        const model = await create(JANKOWSKI_CONVNET_V1, genome);
        try {
          expect(maxAbsDiff(await runOnce(model, input, 1), ref.action)).toBeLessThanOrEqual(1e-4);
        } finally {
          await model.dispose();
        }
      });

      it('reproduces actions (abs ≤ 1e-4) and logits (≤ 1e-4 of the largest |logit|) on all 66 frames', async () => {
        const refs = vectors.ref_frames;
        const input = concat(refs.map((r) => gaInput(frames[r.frames_npy_index])));
        const model = await create(JANKOWSKI_CONVNET_V1, genome);
        const [logitArch, logitGenome] = truncated(JANKOWSKI_CONVNET_V1, genome, headless);
        const logitModel = await create(logitArch, logitGenome);
        try {
          expect(model.info.inputShape).toEqual([3, 96, 96]);
          expect(model.info.outputSize).toBe(3);
          const actions = await runOnce(model, input, refs.length);
          const logits = await runOnce(logitModel, input, refs.length);
          let worstAction = 0;
          let worstLogit = 0;
          refs.forEach((r, i) => {
            const want = r[`ga:${name}`];
            worstAction = Math.max(worstAction, maxAbsDiff(actions.subarray(i * 3, i * 3 + 3), want.action));
            const scale = Math.max(...want.logits.map(Math.abs));
            worstLogit = Math.max(worstLogit, maxAbsDiff(logits.subarray(i * 3, i * 3 + 3), want.logits) / scale);
          });
          log(
            `${executor} ${name}: max |Δaction| = ${worstAction.toExponential(2)}, ` +
              `max |Δlogit|/max|logit| = ${worstLogit.toExponential(2)}`,
          );
          expect(worstAction).toBeLessThanOrEqual(1e-4);
          expect(worstLogit).toBeLessThanOrEqual(1e-4);
        } finally {
          await model.dispose();
          await logitModel.dispose();
        }
      });

      it('gives a batch of 8 the same outputs as 8 single runs', async () => {
        const model = await create(JANKOWSKI_CONVNET_V1, genome);
        try {
          const inputs = frames.slice(20, 28).map(gaInput);
          const batched = await runOnce(model, concat(inputs), 8);
          const singles = concat(await Promise.all(inputs.map((x) => runOnce(model, x, 1))));
          expect(maxAbsDiff(batched, singles)).toBeLessThanOrEqual(1e-6);
        } finally {
          await model.dispose();
        }
      });
    });
  }
}
