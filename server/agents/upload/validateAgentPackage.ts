/**
 * Validates an agent's files once they are unpacked, one reported check per stage: manifest,
 * model file, shapes, weights, runtime (the model runs on two different frames, answers finite
 * values and depends on its input), then a trial episode that measures the decision latency.
 */
import type { AgentManifest, AgentManifestInput } from '../../../shared/agents/agentManifest.ts';
import { STATE_FEATURE_COUNT } from '../../../shared/agents/stateFeatures.ts';
import { AgentFormatError } from '../agentFormatError.ts';
import type { AgentPolicy } from '../runtime/agentPolicy.ts';
import { AgentCarController } from '../runtime/agentPolicy.ts';
import { percentile } from '../../../shared/numeric/percentile.ts';
import { runAgentEpisode } from '../runtime/agentEpisode.ts';
import {
  checkModelWeights,
  checkShapes,
  createPolicyModel,
  findManifest,
  policyFromModel,
  readModelSource,
  type LoadOptions,
  type ModelSource,
} from '../runtime/loadAgentPolicy.ts';
import type { ValidationReportBuilder } from './validationReport.ts';

export interface AgentPackageInput {
  /** Every file of the upload by its name (zip entries by their path inside the zip). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The `manifest` form field, when the upload sent one; else a manifest.json among the files or defaults. */
  readonly manifestText?: string;
  /** The `name` form field: overrides the manifest's name. */
  readonly name?: string;
}

export interface ValidatedAgent {
  /** The effective manifest (defaults filled in), as stored with the agent. */
  readonly manifest: Record<string, unknown>;
  readonly name: string;
  /** model.format and model.architecture of the manifest. */
  readonly format: string;
  readonly architecture?: string;
  /** Name of the model file among the files. */
  readonly modelFile: string;
}

export interface PackageValidationOptions extends LoadOptions {
  /** Trial episode seed. [default: 7] */
  readonly trialSeed?: number;
  /** Trial episode length, steps. [default: 300] */
  readonly trialSteps?: number;
  /**
   * Largest accepted median decision latency in the trial, ms. [default: 20, the race budget]
   * The median, not the p99: a busy machine stretches the tail of any model, and the race
   * itself forgives late decisions while the server is behind.
   */
  readonly maxP50Ms?: number;
}

export const TRIAL_SEED = 7;
export const TRIAL_STEPS = 300;

export async function validateAgentPackage(
  report: ValidationReportBuilder,
  input: AgentPackageInput,
  options: PackageValidationOptions = {},
): Promise<ValidatedAgent | undefined> {
  const manifest = await report.check(
    'manifest',
    'manifest valid (agents.md §9)',
    () => findManifest(input.files, input.manifestText),
    (m) =>
      `${m.model.format}${m.model.architecture === undefined ? '' : ` ${m.model.architecture}`}, model file ${m.model.file}`,
  );
  const source = await report.check(
    'model',
    'model file readable',
    () => readModelSource(manifest!, input.files),
    describeSource,
  );
  let resolved = await report.check(
    'shapes',
    'input and output shapes match the manifest',
    () => checkShapes(manifest!, source!),
    (m) => (m === null ? 'checked once the model is loaded' : describeShapes(m)),
  );
  await report.check(
    'weights',
    'every weight finite',
    () => checkModelWeights(source!),
    (d) => d,
  );
  const name = input.name ?? manifest?.name ?? source?.file ?? 'agent';
  const policy = await report.check(
    'runtime',
    'model runs, answers finite values and depends on its input',
    () => loadAndProbe(name, manifest!, source!, options),
    (p) =>
      `${p.model.info.backend}, input [N,${p.model.info.inputShape.join(',')}], ${p.model.info.outputSize} outputs`,
  );
  if (policy === undefined) return undefined;
  resolved = policy.manifest;
  try {
    const trial = await report.check(
      'trial',
      `trial episode (${options.trialSteps ?? TRIAL_STEPS} steps, seed ${options.trialSeed ?? TRIAL_SEED}) within the decision budget`,
      () => runTrial(policy, options),
      (t) =>
        `reward ${t.reward.toFixed(1)}, ${t.tiles} tiles, p50 ${t.latencyP50Ms.toFixed(2)} ms, p99 ${t.latencyP99Ms.toFixed(2)} ms`,
    );
    if (trial === undefined) return undefined;
    report.setTrial(trial);
  } finally {
    await policy.model.dispose();
  }
  return {
    manifest: withName(resolved, name) as unknown as Record<string, unknown>,
    name,
    format: resolved.model.format,
    ...(resolved.model.architecture === undefined ? {} : { architecture: resolved.model.architecture }),
    modelFile: resolved.model.file,
  };
}

function withName(m: AgentManifest, name: string): AgentManifest {
  return { ...m, name };
}

function describeSource(s: ModelSource): string {
  if (s.kind === 'builtin') return `${s.file}: genome of ${s.arch.id}, ${s.genome.length} values`;
  if (s.kind === 'onnx') {
    return `${s.file}: ONNX opset ${s.summary.opset}, ${s.summary.opTypes.length} op types, input ${s.summary.inputName} [${s.summary.inputDims.join(',')}]`;
  }
  return `${s.file}: TF.js LayersModel`;
}

function describeShapes(m: AgentManifest): string {
  const act = m.action.type === 'discrete' ? `${m.action.table.length} discrete actions` : 'continuous action';
  return `observation ${m.observation.source} (${m.observation.style}), layout ${m.observation.tensor.layout}, ${act}`;
}

/** Loads the model and runs it on two different observations (a constant graph is refused). */
async function loadAndProbe(
  name: string,
  manifest: AgentManifestInput,
  source: ModelSource,
  options: LoadOptions,
): Promise<AgentPolicy> {
  const model = await createPolicyModel(source, options);
  const policy = await policyFromModel('upload', name, manifest, source, model);
  try {
    const input = new Float32Array(2 * policy.sampleSize);
    if (policy.manifest.observation.source === 'state-v1') {
      const a = new Float32Array(STATE_FEATURE_COUNT).fill(0.1);
      const b = a.map((_, i) => Math.sin(i + 1));
      input.set(a, 0);
      input.set(b, STATE_FEATURE_COUNT);
    } else {
      const probe = new AgentCarController(policy);
      probe.writeSample({ kind: 'frame', frame: syntheticFrame(0) }, input, 0);
      probe.reset();
      probe.writeSample({ kind: 'frame', frame: syntheticFrame(1) }, input, 1);
    }
    const out = await policy.model.run(input, 2);
    const k = policy.model.info.outputSize;
    if (out.length !== 2 * k || !out.every(Number.isFinite)) {
      throw new AgentFormatError({
        file: source.file,
        field: 'outputs',
        expected: `${2 * k} finite values for 2 probe observations`,
        got: `${out.length} values${out.every(Number.isFinite) ? '' : ', some not finite'}`,
      });
    }
    let differs = false;
    for (let i = 0; i < k; i++) if (out[i] !== out[k + i]) differs = true;
    if (!differs) {
      throw new AgentFormatError({
        file: source.file,
        field: 'outputs',
        expected: 'outputs that depend on the observation',
        got: 'the same outputs for two different observations',
        hint: 'The exported graph ignores its input (e.g. a forward() that rebuilds its output with torch.tensor): export a wrapper module (agents.md §6.5).',
      });
    }
    return policy;
  } catch (error) {
    await policy.model.dispose();
    throw error;
  }
}

/** CarRacing-like test pattern (agents.md §8's synthetic frame, shifted by `variant`). */
function syntheticFrame(variant: number): Uint8Array {
  const f = new Uint8Array(96 * 96 * 3);
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 96; x++) {
      const i = (y * 96 + x) * 3;
      f[i] = (3 * x + 5 * y + 40 * variant) % 256;
      f[i + 1] = (7 * x + 11 * y + 64 + 90 * variant) % 256;
      f[i + 2] = (x * y + 17 * variant) % 256;
    }
  }
  return f;
}

async function runTrial(policy: AgentPolicy, options: PackageValidationOptions) {
  const seed = options.trialSeed ?? TRIAL_SEED;
  const steps = options.trialSteps ?? TRIAL_STEPS;
  const maxP50 = options.maxP50Ms ?? 20;
  // Warm-up: the first runs of a fresh session allocate; the trial measures steady decisions.
  const warm = new Float32Array(policy.sampleSize);
  for (let i = 0; i < 3; i++) await policy.model.run(warm, 1);
  const r = await runAgentEpisode(policy, { seed, maxSteps: steps });
  const p50 = percentile(r.latenciesMs, 50);
  const p99 = percentile(r.latenciesMs, 99);
  if (p50 > maxP50) {
    throw new AgentFormatError({
      file: policy.manifest.model.file,
      field: 'decision latency',
      expected: `a median of at most ${maxP50} ms per decision (one 50 Hz tick) on one core`,
      got: `p99 ${p99.toFixed(2)} ms (p50 ${p50.toFixed(2)} ms)`,
      hint: 'Every decision must fit in one 20 ms tick on one core: use a smaller network.',
    });
  }
  if (r.faults > 0) {
    throw new AgentFormatError({
      file: policy.manifest.model.file,
      field: 'actions',
      expected: 'finite actions on every decision',
      got: `${r.faults} non-finite action(s) in ${r.latenciesMs.length} decisions`,
    });
  }
  return {
    seed,
    steps: r.steps,
    reward: r.return,
    tiles: r.tiles,
    decisions: r.latenciesMs.length,
    latencyP50Ms: p50,
    latencyP99Ms: p99,
    backend: policy.model.info.backend,
  };
}
