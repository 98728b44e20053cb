/**
 * The data type of a built-in architecture (agents.md §2.3, §2.8, §3.3, §3.4, §9.1
 * `model.architecture`): what an uploaded genome must hold and how to run it. Both executors
 * (TF.js, builtinTfjsModel.ts, and the in-memory ONNX graph, builtinOnnxGraph.ts) interpret the
 * same small layer list, so a new architecture is a new table here, never new executor code.
 */
import { AgentFormatError } from '../agentFormatError.ts';
import type { TorchTensor } from '../formats/torchStateDict.ts';

/** One tensor of the flat genome, in genome order (PyTorch `state_dict` order, weight before bias). */
export interface ParameterSpec {
  /** The PyTorch `state_dict` key, e.g. `conv1.weight`, `batch_norm1.running_mean`. */
  readonly name: string;
  /** PyTorch shape: conv kernels OIHW `[out, in, kh, kw]`, linear weights `[out, in]`. */
  readonly shape: readonly number[];
  /** First element of this tensor in the genome. */
  readonly offset: number;
  /** prod(shape). */
  readonly count: number;
}

/**
 * The layers both executors interpret, in order. Layers with parameters name the PyTorch module
 * (`conv1`); its tensors are `<module>.weight`, `<module>.bias` and, for batch norm,
 * `<module>.running_mean` / `<module>.running_var`.
 */
export type LayerSpec =
  | {
      readonly kind: 'conv';
      readonly module: string;
      readonly in: number;
      readonly out: number;
      /** Square kernel size. */
      readonly k: number;
      readonly stride: number;
      /** Zero padding on every side. */
      readonly pad: number;
    }
  | { readonly kind: 'batchnorm'; readonly module: string; readonly channels: number; readonly eps: number }
  | { readonly kind: 'relu' }
  | { readonly kind: 'tanh' }
  | { readonly kind: 'maxpool'; readonly k: number; readonly stride: number }
  /** PyTorch flatten of everything after the batch axis: channel, then row, then column. */
  | { readonly kind: 'flatten' }
  | { readonly kind: 'linear'; readonly module: string; readonly in: number; readonly out: number }
  /** `[tanh(z0), sigmoid(z1), sigmoid(z2)]`: the GA's steer/gas/brake head (§3.3 row 8). */
  | { readonly kind: 'head'; readonly head: 'tanh-sigmoid-sigmoid' };

export type ArchitectureOutputKind = 'q-values' | 'action';

export interface Architecture {
  /** Registry id used in manifests, e.g. `sarenac-dqn-v1`. */
  readonly id: string;
  readonly description: string;
  /** One sample, batch axis excluded, PyTorch convention: `[C, H, W]` (NCHW) or `[F]`. */
  readonly inputShape: readonly number[];
  readonly outputSize: number;
  /** `q-values`: the action decoder takes an argmax; `action`: `[steer, gas, brake]` already squashed. */
  readonly outputKind: ArchitectureOutputKind;
  /** Genome layout, in genome order. */
  readonly parameters: readonly ParameterSpec[];
  /** Total float32 count of a genome. */
  readonly genomeLength: number;
  readonly layers: readonly LayerSpec[];
}

export interface ArchitectureDefinition {
  readonly id: string;
  readonly description: string;
  readonly inputShape: readonly number[];
  readonly outputKind: ArchitectureOutputKind;
  readonly layers: readonly LayerSpec[];
}

function prod(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The PyTorch tensors of one layer, in `state_dict` registration order. */
function layerParameters(layer: LayerSpec): { name: string; shape: number[] }[] {
  switch (layer.kind) {
    case 'conv':
      return [
        { name: `${layer.module}.weight`, shape: [layer.out, layer.in, layer.k, layer.k] },
        { name: `${layer.module}.bias`, shape: [layer.out] },
      ];
    case 'batchnorm':
      return ['weight', 'bias', 'running_mean', 'running_var'].map((t) => ({
        name: `${layer.module}.${t}`,
        shape: [layer.channels],
      }));
    case 'linear':
      return [
        { name: `${layer.module}.weight`, shape: [layer.out, layer.in] },
        { name: `${layer.module}.bias`, shape: [layer.out] },
      ];
    default:
      return [];
  }
}

/**
 * Walks the layer list once with the sample shape, checking every layer against the shape it
 * receives, and returns the per-sample shape after each layer. Throws (a programming error in an
 * architecture table, not user input) when the table is inconsistent.
 */
export function layerOutputShapes(inputShape: readonly number[], layers: readonly LayerSpec[]): number[][] {
  let shape = [...inputShape];
  const shapes: number[][] = [];
  const fail = (layer: LayerSpec, why: string): never => {
    throw new Error(`architecture layer ${layer.kind}: ${why} (input shape [${shape.join(', ')}])`);
  };
  for (const layer of layers) {
    switch (layer.kind) {
      case 'conv': {
        if (shape.length !== 3 || shape[0] !== layer.in) fail(layer, `expects [${layer.in}, H, W]`);
        const size = (n: number): number => Math.floor((n + 2 * layer.pad - layer.k) / layer.stride) + 1;
        shape = [layer.out, size(shape[1]), size(shape[2])];
        break;
      }
      case 'batchnorm':
        if (shape[0] !== layer.channels) fail(layer, `expects ${layer.channels} channels`);
        break;
      case 'maxpool': {
        if (shape.length !== 3) fail(layer, 'expects [C, H, W]');
        const size = (n: number): number => Math.floor((n - layer.k) / layer.stride) + 1;
        shape = [shape[0], size(shape[1]), size(shape[2])];
        break;
      }
      case 'flatten':
        shape = [prod(shape)];
        break;
      case 'linear':
        if (shape.length !== 1 || shape[0] !== layer.in) fail(layer, `expects [${layer.in}]`);
        shape = [layer.out];
        break;
      case 'head':
        if (shape.length !== 1 || shape[0] !== 3) fail(layer, 'expects [3]');
        break;
      case 'relu':
      case 'tanh':
        break;
    }
    if (shape.some((d) => !Number.isInteger(d) || d < 1)) fail(layer, 'gives an empty output');
    shapes.push(shape);
  }
  return shapes;
}

/** Builds the parameter table and output size from a layer list, checking the shapes end to end. */
export function defineArchitecture(def: ArchitectureDefinition): Architecture {
  const shapes = layerOutputShapes(def.inputShape, def.layers);
  const last = shapes[shapes.length - 1];
  if (last === undefined || last.length !== 1) {
    throw new Error(`architecture ${def.id} must end with a vector, got [${(last ?? def.inputShape).join(', ')}]`);
  }
  const parameters: ParameterSpec[] = [];
  let offset = 0;
  for (const layer of def.layers) {
    for (const p of layerParameters(layer)) {
      if (parameters.some((q) => q.name === p.name)) throw new Error(`architecture ${def.id}: two ${p.name}`);
      const count = prod(p.shape);
      parameters.push({ name: p.name, shape: p.shape, offset, count });
      offset += count;
    }
  }
  return {
    id: def.id,
    description: def.description,
    inputShape: [...def.inputShape],
    outputSize: last[0],
    outputKind: def.outputKind,
    parameters,
    genomeLength: offset,
    layers: def.layers,
  };
}

/** The number of float32 values in one input sample. */
export function inputSize(arch: Architecture): number {
  return prod(arch.inputShape);
}

/** Looks up one parameter tensor of `arch` by its `state_dict` key. */
export function findParameter(arch: Architecture, name: string): ParameterSpec {
  const p = arch.parameters.find((q) => q.name === name);
  if (p === undefined) throw new Error(`architecture ${arch.id} has no parameter ${name}`);
  return p;
}

/** A view (no copy) of one parameter tensor inside a genome. */
export function parameterView(arch: Architecture, genome: Float32Array, name: string): Float32Array {
  const p = findParameter(arch, name);
  return genome.subarray(p.offset, p.offset + p.count);
}

/**
 * Checks that `genome` is a complete, finite genome of `arch` before an executor reads it;
 * `file` names the upload in the error.
 */
export function checkGenome(arch: Architecture, genome: Float32Array, file = 'genome'): void {
  if (genome.length !== arch.genomeLength) {
    throw new AgentFormatError({
      file,
      field: 'genome.length',
      expected: `${arch.genomeLength} float32 values for ${arch.id}`,
      got: `${genome.length}`,
    });
  }
  for (let i = 0; i < genome.length; i++) {
    if (!Number.isFinite(genome[i])) {
      const p = arch.parameters.find((q) => i >= q.offset && i < q.offset + q.count);
      throw new AgentFormatError({
        file,
        field: `genome[${i}]${p === undefined ? '' : ` (${p.name})`}`,
        expected: 'a finite number',
        got: String(genome[i]),
      });
    }
  }
}

/** `*.num_batches_tracked` of a batch-norm layer: a training counter, the only key a genome omits. */
function isIgnorableKey(arch: Architecture, key: string): boolean {
  const suffix = '.num_batches_tracked';
  if (!key.endsWith(suffix)) return false;
  const module = key.slice(0, -suffix.length);
  return arch.layers.some((l) => l.kind === 'batchnorm' && l.module === module);
}

/**
 * Maps a PyTorch `state_dict` (from readTorchStateDict) onto the flat genome of `arch` (§2.8,
 * §3.4): every parameter key must be present with exactly its PyTorch shape and a float dtype;
 * the only extra keys allowed are the `num_batches_tracked` counters of the batch-norm layers.
 */
export function genomeFromStateDict(
  arch: Architecture,
  stateDict: ReadonlyMap<string, TorchTensor>,
  file: string,
): Float32Array {
  const hint = `The ${arch.id} state_dict holds exactly: ${arch.parameters.map((p) => p.name).join(', ')}.`;
  for (const key of stateDict.keys()) {
    if (!arch.parameters.some((p) => p.name === key) && !isIgnorableKey(arch, key)) {
      throw new AgentFormatError({
        file,
        field: `state_dict['${key}']`,
        expected: `only the parameters of ${arch.id}`,
        got: `the unexpected key '${key}'`,
        hint,
      });
    }
  }
  const genome = new Float32Array(arch.genomeLength);
  for (const p of arch.parameters) {
    const t = stateDict.get(p.name);
    if (t === undefined) {
      throw new AgentFormatError({
        file,
        field: `state_dict['${p.name}']`,
        expected: `a tensor of shape [${p.shape.join(', ')}]`,
        got: 'no such key',
        hint,
      });
    }
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new AgentFormatError({
        file,
        field: `state_dict['${p.name}'].shape`,
        expected: `[${p.shape.join(', ')}]`,
        got: `[${t.shape.join(', ')}]`,
      });
    }
    if (t.dtype !== 'float32' && t.dtype !== 'float64') {
      throw new AgentFormatError({
        file,
        field: `state_dict['${p.name}'].dtype`,
        expected: 'float32 (or float64)',
        got: t.dtype,
      });
    }
    if (t.data.length !== p.count) {
      throw new AgentFormatError({
        file,
        field: `state_dict['${p.name}']`,
        expected: `${p.count} values`,
        got: `${t.data.length}`,
      });
    }
    genome.set(t.data, p.offset);
  }
  checkGenome(arch, genome, file);
  return genome;
}
