/**
 * From an agent's files to a runnable AgentPolicy, in stages the upload validator reports one
 * by one: manifest → model file → shapes → model → policy. Every stage throws AgentFormatError
 * for what the user must fix; nothing here executes code from an uploaded file (genomes and
 * state_dicts become a built-in network; ONNX and TF.js graphs are data run by their runtimes).
 */
import {
  GENOME_FORMATS,
  parseAgentManifest,
  resolveAgentManifest,
  type AgentManifest,
  type AgentManifestInput,
  type ModelShapeFacts,
} from '../../../shared/agents/agentManifest.ts';
import { actionOutputSize } from '../../../shared/agents/actionDecoder.ts';
import { observationSampleShape, pipelineChannels } from '../../../shared/agents/observationPipeline.ts';
import type { Logger } from '../../log.ts';
import { AgentFormatError } from '../agentFormatError.ts';
import { checkGenome, genomeFromStateDict, type Architecture } from '../architectures/architecture.ts';
import { getArchitecture } from '../architectures/architectureRegistry.ts';
import { createBuiltinModel, type BuiltinBackend } from '../backends/builtinOnnxGraph.ts';
import { createOnnxRuntimeModel } from '../backends/onnxRuntimeModel.ts';
import { readJsonGenome } from '../formats/jsonGenome.ts';
import { readNpy } from '../formats/npyReader.ts';
import { checkOnnxShapes, inspectOnnxModel, type OnnxModelSummary } from '../formats/onnxModel.ts';
import { loadTfjsLayersModel, validateTfjsLayersModel } from '../formats/tfjsLayersModel.ts';
import { readTorchStateDict } from '../formats/torchStateDict.ts';
import type { AgentPolicy } from './agentPolicy.ts';
import type { PolicyModel } from './policyModel.ts';

export const MANIFEST_FILE = 'manifest.json';

/** A model file read and checked, not yet handed to a runtime. */
export type ModelSource =
  | { readonly kind: 'builtin'; readonly file: string; readonly arch: Architecture; readonly genome: Float32Array }
  | { readonly kind: 'onnx'; readonly file: string; readonly bytes: Uint8Array; readonly summary: OnnxModelSummary }
  | { readonly kind: 'tfjs'; readonly file: string; readonly files: ReadonlyMap<string, Uint8Array> };

export interface LoadOptions {
  /** Executor for built-in architectures. [default: 'onnxruntime'] */
  readonly builtinBackend?: BuiltinBackend;
  readonly logger?: Logger;
}

/** Parses manifest JSON text; errors name the field. */
export function readManifestText(text: string, file = MANIFEST_FILE): AgentManifestInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentFormatError({
      file,
      field: '(file)',
      expected: 'a JSON object',
      got: error instanceof Error ? error.message : 'unreadable text',
    });
  }
  const parsed = parseAgentManifest(value);
  if (!parsed.ok) {
    const issue = parsed.issues[0];
    throw new AgentFormatError({
      file,
      field: issue.path,
      expected: 'a valid agent manifest (agents.md §9)',
      got: issue.message,
      ...(parsed.issues.length > 1 ? { hint: `${parsed.issues.length - 1} more problem(s) after this one` } : {}),
    });
  }
  return parsed.manifest;
}

/**
 * The manifest of an upload: the form field, else `manifest.json` among the files, else the
 * defaults for a lone model file (an `.onnx` or a TF.js `model.json`; genomes need a manifest
 * naming their architecture).
 */
export function findManifest(files: ReadonlyMap<string, Uint8Array>, manifestText?: string): AgentManifestInput {
  if (manifestText !== undefined) return readManifestText(manifestText, 'manifest (form field)');
  const inFiles = files.get(MANIFEST_FILE);
  if (inFiles !== undefined) return readManifestText(new TextDecoder().decode(inFiles));
  const names = [...files.keys()];
  const onnx = names.filter((n) => n.toLowerCase().endsWith('.onnx'));
  if (onnx.length === 1)
    return readManifestText(JSON.stringify({ model: { format: 'onnx', file: onnx[0] } }), 'defaults');
  if (files.has('model.json')) {
    return readManifestText(JSON.stringify({ model: { format: 'tfjs-layers', file: 'model.json' } }), 'defaults');
  }
  throw new AgentFormatError({
    file: names.join(', ') || '(no files)',
    field: MANIFEST_FILE,
    expected: 'a manifest (form field or manifest.json), or a single .onnx file or a TF.js model.json',
    got: names.length === 0 ? 'no files' : `files ${names.join(', ')}`,
    hint: 'Genomes (.npy, JSON) and PyTorch state_dicts need a manifest naming their model.architecture.',
  });
}

/** Reads the manifest's model file; checks everything that needs no runtime. */
export function readModelSource(manifest: AgentManifestInput, files: ReadonlyMap<string, Uint8Array>): ModelSource {
  const file = manifest.model.file;
  const bytes = files.get(file);
  if (bytes === undefined) {
    throw new AgentFormatError({
      file: MANIFEST_FILE,
      field: 'model.file',
      expected: `one of the uploaded files (${[...files.keys()].join(', ')})`,
      got: JSON.stringify(file),
    });
  }
  const format = manifest.model.format;
  if (GENOME_FORMATS.includes(format)) {
    const arch = getArchitecture(manifest.model.architecture ?? '', MANIFEST_FILE);
    let genome: Float32Array;
    if (format === 'npy-genome') {
      genome = readNpy(bytes, {
        file,
        dtypes: ['<f4', '<f8'],
        expectedLength: arch.genomeLength,
        requireFinite: false,
      }).data;
    } else if (format === 'json-genome') {
      const g = readJsonGenome(bytes, file);
      if (g.architecture !== arch.id) {
        throw new AgentFormatError({ file, field: 'architecture', expected: arch.id, got: g.architecture });
      }
      genome = g.data;
    } else {
      genome = genomeFromStateDict(arch, readTorchStateDict(bytes, { file }), file);
    }
    return { kind: 'builtin', file, arch, genome };
  }
  if (format === 'onnx') return { kind: 'onnx', file, bytes, summary: inspectOnnxModel(bytes, file) };
  validateTfjsLayersModel(files, { modelFile: file });
  return { kind: 'tfjs', file, files };
}

/** Checks every weight is finite (ONNX and TF.js files were checked while being read). */
export function checkModelWeights(source: ModelSource): string {
  if (source.kind === 'builtin') {
    checkGenome(source.arch, source.genome, source.file);
    return `${source.genome.length} float32 weights of ${source.arch.id}, all finite`;
  }
  if (source.kind === 'onnx')
    return `${source.summary.parameterCount} weights in ${source.summary.initializerCount} tensors, all finite`;
  return 'all TF.js weights finite';
}

/** The model's own shapes where they can be read without a runtime (TF.js needs loading). */
function shapeFacts(source: ModelSource): ModelShapeFacts | null {
  if (source.kind === 'builtin') return { inputShape: source.arch.inputShape, outputSize: source.arch.outputSize };
  if (source.kind === 'tfjs') return null;
  const sample = source.summary.inputDims.slice(1);
  if (!sample.every((d): d is number => typeof d === 'number' && d > 0)) {
    throw new AgentFormatError({
      file: source.file,
      field: `graph.input ${source.summary.inputName}`,
      expected: 'fixed dimensions after the batch axis',
      got: `[${source.summary.inputDims.join(',')}]`,
    });
  }
  const outSample = source.summary.outputDims.slice(1);
  const outputSize = outSample.reduce<number>((a, d) => a * (typeof d === 'number' ? d : NaN), 1);
  return { inputShape: sample, outputSize };
}

/**
 * Makes the manifest's open choices from the model's shapes and checks that the observation the
 * manifest produces is what the model reads, and that its outputs are what the decoder needs.
 */
export function resolveManifestForModel(
  manifest: AgentManifestInput,
  facts: ModelShapeFacts,
  file: string,
): AgentManifest {
  const channels =
    manifest.observation.source === 'frame'
      ? pipelineChannels(manifest.observation.pipeline) * manifest.observation.frameStack.size
      : 0;
  const resolved = resolveAgentManifest(manifest, facts, channels);
  if (!resolved.ok) {
    throw new AgentFormatError({
      file: MANIFEST_FILE,
      field: resolved.issue.path,
      expected: 'an action decoder matching the model',
      got: resolved.issue.message,
    });
  }
  const m = resolved.manifest;
  let expected: number[];
  try {
    expected = observationSampleShape(m.observation, m.observation.tensor.layout);
  } catch (error) {
    throw new AgentFormatError({
      file: MANIFEST_FILE,
      field: 'observation.pipeline',
      expected: 'a pipeline that fits a 96x96x3 frame',
      got: error instanceof Error ? error.message : String(error),
    });
  }
  const got = [...facts.inputShape];
  if (expected.length !== got.length || expected.some((d, i) => d !== got[i])) {
    throw new AgentFormatError({
      file,
      field: 'input shape',
      expected: `[N,${expected.join(',')}] (what the manifest's observation produces, layout ${m.observation.tensor.layout})`,
      got: `[N,${got.join(',')}]`,
      hint: 'Make observation.pipeline, frameStack and tensor.layout produce exactly the model input.',
    });
  }
  const outputs = actionOutputSize(m.action);
  if (outputs !== facts.outputSize) {
    throw new AgentFormatError({
      file,
      field: 'output size',
      expected: `${outputs} outputs (${m.action.type === 'discrete' ? `one per row of action.table` : 'steer, gas, brake'})`,
      got: `${facts.outputSize}`,
    });
  }
  return m;
}

/** Reads the shapes (ONNX: also the graph's own check) and resolves the manifest against them. */
export function checkShapes(manifest: AgentManifestInput, source: ModelSource): AgentManifest | null {
  const facts = shapeFacts(source);
  if (facts === null) return null;
  const resolved = resolveManifestForModel(manifest, facts, source.file);
  if (source.kind === 'onnx') {
    checkOnnxShapes(
      source.summary,
      {
        inputShape: observationSampleShape(resolved.observation, resolved.observation.tensor.layout),
        outputSize: actionOutputSize(resolved.action),
      },
      source.file,
    );
  }
  return resolved;
}

/** Hands the model to its runtime. */
export function createPolicyModel(source: ModelSource, options: LoadOptions = {}): Promise<PolicyModel> {
  if (source.kind === 'builtin')
    return createBuiltinModel(source.arch, source.genome, options.builtinBackend, options.logger);
  if (source.kind === 'onnx') return createOnnxRuntimeModel(source.bytes);
  return loadTfjsLayersModel(source.files, {
    modelFile: source.file,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** Builds the policy from a created model (TF.js shapes are checked only here). */
export async function policyFromModel(
  agentId: string,
  name: string,
  manifest: AgentManifestInput,
  source: ModelSource,
  model: PolicyModel,
): Promise<AgentPolicy> {
  try {
    const resolved = resolveManifestForModel(
      manifest,
      { inputShape: model.info.inputShape, outputSize: model.info.outputSize },
      source.file,
    );
    const sampleSize = model.info.inputShape.reduce((a, d) => a * d, 1);
    return { agentId, name, manifest: resolved, model, sampleSize };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

export interface AgentFiles {
  readonly agentId: string;
  readonly name?: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly manifestText?: string;
}

/** Every stage at once: an agent's stored files to a policy ready to drive. */
export async function loadAgentPolicy(agent: AgentFiles, options: LoadOptions = {}): Promise<AgentPolicy> {
  const manifest = findManifest(agent.files, agent.manifestText);
  const source = readModelSource(manifest, agent.files);
  checkModelWeights(source);
  checkShapes(manifest, source);
  const model = await createPolicyModel(source, options);
  return policyFromModel(agent.agentId, agent.name ?? manifest.name ?? agent.agentId, manifest, source, model);
}
