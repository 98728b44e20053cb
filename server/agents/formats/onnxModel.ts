/**
 * Static validation of an uploaded ONNX model (agents.md §6.5), done on the parsed ModelProto
 * BEFORE any byte reaches ONNX Runtime: size, no external data (a path into the server's disk),
 * only the default operator domain, no control flow, an operator allowlist, opset 7…21, exactly
 * one float32 observation input and one output, finite weights. `checkOnnxShapes` then matches the
 * input and output shapes against what the manifest's pipeline and action decoder need.
 * Every refusal is an AgentFormatError naming the ModelProto field (`graph.node[3].op_type`).
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { AgentFormatError } from '../agentFormatError.ts';

const { onnx } = onnxProto;

/** Largest accepted .onnx file (agents.md §6.5: 50 MB). */
export const MAX_ONNX_BYTES = 50 * 1000 * 1000;
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

/** Operators the arena runs (agents.md §6.5). Everything else, control flow included, is refused. */
export const ALLOWED_ONNX_OPS: ReadonlySet<string> = new Set([
  'Conv',
  'ConvTranspose',
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Relu',
  'LeakyRelu',
  'Elu',
  'Selu',
  'Tanh',
  'Sigmoid',
  'Softmax',
  'LogSoftmax',
  'Softplus',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'BatchNormalization',
  'Flatten',
  'Reshape',
  'Transpose',
  'Concat',
  'Split',
  'Slice',
  'Gather',
  'Squeeze',
  'Unsqueeze',
  'Shape',
  'Constant',
  'ConstantOfShape',
  'Identity',
  'Clip',
  'Cast',
  'Pad',
  'ReduceMean',
  'ReduceMax',
  'Max',
  'Min',
  'Exp',
  'Log',
  'Sqrt',
  'Pow',
  'Neg',
  'Abs',
  'Erf',
  'Gelu',
]);

const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(['Loop', 'If', 'Scan']);

const EXTERNAL_DATA_HINT =
  'Export with the weights inside the .onnx file: torch.onnx.export(..., dynamo=False), or external_data=False ' +
  'with the dynamo exporter (the default from torch 2.9); tools/export_agent.py does this.';
const CONSTANT_GRAPH_HINT =
  'forward() probably rebuilt its output with torch.tensor(...) or Python floats, which tracing freezes into a ' +
  'constant; return tensors computed from the input (tools/export_agent.py checks this).';

/** ONNX TensorProto.DataType names, for messages. */
const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};
const FLOAT32 = 1;
const FLOAT16 = 10;
const FLOAT64 = 11;
const BFLOAT16 = 16;
const EXTERNAL = 1;

export interface OnnxModelSummary {
  inputName: string;
  /** Input shape, batch axis included: a number for a fixed dim, dim_param for a symbolic one, '?' unknown. */
  inputDims: (number | string)[];
  outputName: string;
  outputDims: (number | string)[];
  /** The default-domain opset. */
  opset: number;
  /** Operator types used by the main graph, sorted, unique. */
  opTypes: string[];
  initializerCount: number;
  /** Elements over all initializers. */
  parameterCount: number;
}

export interface OnnxShapeExpectation {
  /** One sample as the manifest pipeline produces it, batch axis excluded (e.g. [1, 84, 84]). */
  inputShape: readonly number[];
  /** K: the action decoder's output length (table rows, or 3 for a continuous action). */
  outputSize: number;
}

type LongLike = number | { toString(): string } | null | undefined;

function toNumber(value: LongLike): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value.toString());
}

function typeName(elemType: number | null | undefined): string {
  const t = elemType ?? 0;
  return DATA_TYPE_NAMES[t] ?? `data type ${t}`;
}

function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`;
}

function expectedShapeText(sample: readonly number[]): string {
  const what =
    sample.length === 3 ? 'an image of the shape the manifest pipeline produces' : 'the shape the manifest produces';
  return `float32 [N,${sample.join(',')}] (${what})`;
}

/** Parses and validates; throws AgentFormatError for anything the arena refuses. */
export function inspectOnnxModel(bytes: Uint8Array, file: string): OnnxModelSummary {
  const fail = (field: string, expected: string, got: string, hint?: string): never => {
    throw new AgentFormatError({ file, field, expected, got, ...(hint === undefined ? {} : { hint }) });
  };

  if (bytes.length > MAX_ONNX_BYTES) fail('file', `at most ${MAX_ONNX_BYTES} bytes`, `${bytes.length} bytes`);
  if (bytes.length === 0) fail('file', 'an ONNX model (a ModelProto)', 'an empty file');

  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new AgentFormatError(
      {
        file,
        field: 'protobuf',
        expected: 'an ONNX model (a ModelProto protobuf)',
        got: `bytes that do not parse (${cause instanceof Error ? cause.message : String(cause)})`,
      },
      { cause },
    );
  }

  const irVersion = toNumber(model.irVersion);
  if (irVersion < 3) fail('ir_version', 'an ONNX IR version >= 3', irVersion === 0 ? 'none' : String(irVersion));
  const graph = model.graph;
  if (graph === null || graph === undefined) fail('graph', 'a ModelProto with a graph', 'no graph');
  const g = graph as OnnxTypes.IGraphProto;

  const defaultOpsets = (model.opsetImport ?? []).filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  if (defaultOpsets.length !== 1) {
    fail(
      'opset_import',
      `exactly one opset for the default ONNX domain, version ${MIN_OPSET}…${MAX_OPSET}`,
      defaultOpsets.length === 0 ? 'none' : `${defaultOpsets.length} entries`,
    );
  }
  const opset = toNumber(defaultOpsets[0].version);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    fail(
      'opset_import',
      `default-domain opset ${MIN_OPSET}…${MAX_OPSET}`,
      String(opset),
      'Export with opset_version=17 (torch.onnx.export) or convert with onnx.version_converter.',
    );
  }
  if ((model.functions ?? []).length > 0) {
    fail('functions', 'no model-local functions', `${model.functions?.length} functions`);
  }
  if ((model.trainingInfo ?? []).length > 0) {
    fail('training_info', 'an inference-only model', `${model.trainingInfo?.length} training_info entries`);
  }

  // Weights: inside the file and finite.
  const initializers = g.initializer ?? [];
  let parameterCount = 0;
  initializers.forEach((tensor, i) => {
    parameterCount += checkTensor(tensor, `graph.initializer[${i}]`, file);
  });
  if ((g.sparseInitializer ?? []).length > 0) {
    fail('graph.sparse_initializer', 'no sparse initializers', `${g.sparseInitializer?.length}`);
  }

  // Nodes: default domain, allowlisted operators, attribute tensors inside the file.
  const opTypes = new Set<string>();
  (g.node ?? []).forEach((node, i) => {
    const domain = node.domain ?? '';
    const opType = node.opType ?? '';
    if (domain !== '' && domain !== 'ai.onnx') {
      fail(
        `graph.node[${i}].domain`,
        "the default ONNX operator domain ('' or 'ai.onnx')",
        `'${domain}' (op ${opType})`,
        'Custom operator domains run native code the arena does not ship; use standard ONNX operators only.',
      );
    }
    if (CONTROL_FLOW_OPS.has(opType)) {
      fail(
        `graph.node[${i}].op_type`,
        'no control-flow operators (Loop, If, Scan)',
        opType,
        'Control flow makes the runtime of one decision unbounded; unroll it or move it out of the policy.',
      );
    }
    if (!ALLOWED_ONNX_OPS.has(opType)) {
      fail(
        `graph.node[${i}].op_type`,
        'an operator of the arena allowlist',
        JSON.stringify(opType),
        `Allowed: ${[...ALLOWED_ONNX_OPS].join(', ')}.`,
      );
    }
    opTypes.add(opType);
    (node.attribute ?? []).forEach((attr, j) => {
      const field = `graph.node[${i}].attribute[${j}]`;
      if (attr.t !== null && attr.t !== undefined) checkTensor(attr.t, `${field}.t`, file);
      (attr.tensors ?? []).forEach((t, k) => checkTensor(t, `${field}.tensors[${k}]`, file));
      if ((attr.g !== null && attr.g !== undefined) || (attr.graphs ?? []).length > 0) {
        fail(field, 'no subgraph attributes', `a subgraph in attribute '${attr.name ?? ''}'`);
      }
      if ((attr.sparseTensor !== null && attr.sparseTensor !== undefined) || (attr.sparseTensors ?? []).length > 0) {
        fail(field, 'no sparse tensor attributes', `a sparse tensor in attribute '${attr.name ?? ''}'`);
      }
    });
  });

  // Exactly one observation input (graph inputs that are not initializers) and one output.
  const initializerNames = new Set(initializers.map((t) => t.name ?? ''));
  const inputs = (g.input ?? []).filter((v) => !initializerNames.has(v.name ?? ''));
  if (inputs.length === 0) {
    fail(
      'graph.input',
      'exactly one float32 input (the observation tensor)',
      'no input (a constant graph)',
      CONSTANT_GRAPH_HINT,
    );
  }
  if (inputs.length > 1) {
    fail(
      'graph.input',
      'exactly one float32 input (the observation tensor)',
      `${inputs.length} inputs (${inputs.map((v) => v.name ?? '').join(', ')})`,
    );
  }
  const input = inputs[0];
  const inputIndex = (g.input ?? []).indexOf(input);
  const inputDims = tensorDims(input, `graph.input[${inputIndex}]`, file);

  const outputs = g.output ?? [];
  if (outputs.length !== 1) {
    fail(
      'graph.output',
      'exactly one float32 output',
      `${outputs.length} outputs (${outputs.map((v) => v.name ?? '').join(', ')})`,
    );
  }
  const output = outputs[0];
  const outputDims = tensorDims(output, 'graph.output[0]', file);

  const inputName = input.name ?? '';
  const outputName = output.name ?? '';
  if (!dependsOn(g.node ?? [], inputName, outputName)) {
    fail(
      'graph.output[0]',
      `an output computed from the input '${inputName}'`,
      `'${outputName}', which does not depend on it (a constant graph)`,
      CONSTANT_GRAPH_HINT,
    );
  }

  return {
    inputName,
    inputDims,
    outputName,
    outputDims,
    opset,
    opTypes: [...opTypes].sort(),
    initializerCount: initializers.length,
    parameterCount,
  };
}

/**
 * The input must be [N or 1, ...inputShape] and the output [N or 1, K]. A symbolic input batch
 * axis needs a symbolic output batch axis (a hard-coded `view(1, -1)` breaks batched runs).
 */
export function checkOnnxShapes(summary: OnnxModelSummary, expected: OnnxShapeExpectation, file: string): void {
  const fail = (field: string, exp: string, got: string, hint?: string): never => {
    throw new AgentFormatError({ file, field, expected: exp, got, ...(hint === undefined ? {} : { hint }) });
  };
  const sample = expected.inputShape;
  const inDims = summary.inputDims;
  const isBatchDim = (d: number | string | undefined): boolean => typeof d === 'string' || d === 1;

  const inputOk =
    inDims.length === sample.length + 1 && isBatchDim(inDims[0]) && sample.every((d, i) => inDims[i + 1] === d);
  if (!inputOk) {
    const hint =
      inDims.length !== sample.length + 1
        ? `The model reads a rank-${inDims.length} tensor, but the manifest's observation pipeline produces ` +
          `rank ${sample.length + 1} (batch included): the arena feeds every model the processed frame, so a model ` +
          'over another input (a state vector) cannot drive here; check the pipeline, frameStack and tensor layout.'
        : 'Check the manifest: pipeline (crop/resize/grayscale), frameStack size and tensor.layout decide this shape.';
    fail(
      'graph.input.shape',
      expectedShapeText(sample),
      `float32 ${formatDims(inDims)} ('${summary.inputName}')`,
      hint,
    );
  }

  const outDims = summary.outputDims;
  const k = expected.outputSize;
  const outputOk = outDims.length === 2 && isBatchDim(outDims[0]) && outDims[1] === k;
  if (!outputOk) {
    fail(
      'graph.output.shape',
      `float32 [N,${k}] (one row of ${k} values per observation, as the manifest's action decoder reads it)`,
      `float32 ${formatDims(outDims)} ('${summary.outputName}')`,
      outDims.length === 1
        ? 'Keep the batch axis in the output: return shape [N, K], not [K].'
        : typeof outDims[1] === 'string'
          ? 'Export with a static output size (the exporter could not infer K).'
          : undefined,
    );
  }
  if (typeof inDims[0] === 'string' && typeof outDims[0] !== 'string') {
    fail(
      'graph.output.shape',
      `a batch axis that follows the input's symbolic batch axis '${inDims[0]}'`,
      `float32 ${formatDims(outDims)} ('${summary.outputName}')`,
      'Flatten with x.flatten(1) or x.view(x.size(0), -1), not view(1, -1), and export with dynamic_axes on both.',
    );
  }
}

/** Element count of a tensor; throws for external data, inconsistent sizes and non-finite floats. */
function checkTensor(tensor: OnnxTypes.ITensorProto, field: string, file: string): number {
  const name = tensor.name ?? '';
  const label = name === '' ? field : `${field} '${name}'`;
  if (toNumber(tensor.dataLocation as LongLike) === EXTERNAL) {
    const location = (tensor.externalData ?? []).find((e) => e.key === 'location')?.value ?? '?';
    throw new AgentFormatError({
      file,
      field: `${field}.data_location`,
      expected: 'DEFAULT (the tensor data inside the .onnx file)',
      got: `EXTERNAL (tensor '${name}', location '${location}')`,
      hint: EXTERNAL_DATA_HINT,
    });
  }
  if ((tensor.externalData ?? []).length > 0) {
    throw new AgentFormatError({
      file,
      field: `${field}.external_data`,
      expected: 'no external_data entries',
      got: `${tensor.externalData?.length} entries on tensor '${name}'`,
      hint: EXTERNAL_DATA_HINT,
    });
  }
  const dims = (tensor.dims ?? []).map((d) => toNumber(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new AgentFormatError({
      file,
      field: `${field}.dims`,
      expected: 'non-negative dimensions',
      got: formatDims(dims),
    });
  }
  const count = dims.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(count) || count > MAX_ONNX_BYTES) {
    throw new AgentFormatError({
      file,
      field: `${field}.dims`,
      expected: `at most ${MAX_ONNX_BYTES} elements`,
      got: `${formatDims(dims)} (${count} elements)`,
    });
  }
  const dataType = tensor.dataType ?? 0;
  const raw = tensor.rawData ?? new Uint8Array(0);
  const badLength = (expectedLen: string, got: string): never => {
    throw new AgentFormatError({ file, field: `${field}.raw_data`, expected: expectedLen, got: `${got} in ${label}` });
  };
  const nonFinite = (index: number, value: number): never => {
    throw new AgentFormatError({
      file,
      field,
      expected: 'finite weights',
      got: `${Number.isNaN(value) ? 'NaN' : value} at element ${index} of initializer or constant '${name}'`,
      hint: 'The model was saved with NaN/Inf weights (a diverged training run?); export a healthy checkpoint.',
    });
  };
  if (dataType === FLOAT32 || dataType === FLOAT64) {
    const size = dataType === FLOAT32 ? 4 : 8;
    if (raw.length > 0) {
      if (raw.length !== count * size) badLength(`${count * size} bytes for dims ${formatDims(dims)}`, `${raw.length}`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < count; i++) {
        const v = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
        if (!Number.isFinite(v)) nonFinite(i, v);
      }
    } else {
      const values = (dataType === FLOAT32 ? tensor.floatData : tensor.doubleData) ?? [];
      if (values.length !== count) badLength(`${count} values for dims ${formatDims(dims)}`, `${values.length}`);
      values.forEach((v, i) => {
        if (!Number.isFinite(v)) nonFinite(i, v);
      });
    }
  } else if (dataType === FLOAT16 || dataType === BFLOAT16) {
    // Raw 16-bit values, or widened into int32_data; all-ones exponent = Inf/NaN.
    const mask = dataType === FLOAT16 ? 0x7c00 : 0x7f80;
    const halves: number[] = [];
    if (raw.length > 0) {
      if (raw.length !== count * 2) badLength(`${count * 2} bytes for dims ${formatDims(dims)}`, `${raw.length}`);
      for (let i = 0; i < count; i++) halves.push(raw[2 * i] | (raw[2 * i + 1] << 8));
    } else {
      halves.push(...(tensor.int32Data ?? []));
    }
    halves.forEach((h, i) => {
      if ((h & mask) === mask) nonFinite(i, (h & (mask === 0x7c00 ? 0x03ff : 0x007f)) === 0 ? Infinity : NaN);
    });
  }
  return count;
}

function tensorDims(value: OnnxTypes.IValueInfoProto, field: string, file: string): (number | string)[] {
  const tensorType = value.type?.tensorType;
  if (tensorType === null || tensorType === undefined) {
    throw new AgentFormatError({
      file,
      field: `${field}.type`,
      expected: 'a float32 tensor',
      got: value.type === null || value.type === undefined ? 'no type' : 'a non-tensor type',
    });
  }
  if (tensorType.elemType !== FLOAT32) {
    throw new AgentFormatError({
      file,
      field: `${field}.type.elem_type`,
      expected: 'float32 (elem_type 1)',
      got: `${typeName(tensorType.elemType)} (elem_type ${tensorType.elemType ?? 0}) for '${value.name ?? ''}'`,
      hint: 'The arena feeds float32 observations and reads float32 outputs; cast inside the model if needed.',
    });
  }
  return (tensorType.shape?.dim ?? []).map((d) => {
    const v = toNumber(d.dimValue);
    if (v > 0) return v;
    const p = d.dimParam ?? '';
    return p !== '' ? p : '?';
  });
}

/** Whether `output` is computed from `input`: a walk over consumers (node order is not trusted). */
function dependsOn(nodes: readonly OnnxTypes.INodeProto[], input: string, output: string): boolean {
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    for (const name of node.input ?? []) {
      if (name === '') continue;
      const list = consumers.get(name);
      if (list === undefined) consumers.set(name, [i]);
      else list.push(i);
    }
  });
  const reached = new Set([input]);
  const visited = new Set<number>();
  const queue = [input];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    for (const i of consumers.get(name) ?? []) {
      if (visited.has(i)) continue;
      visited.add(i);
      for (const out of nodes[i].output ?? []) {
        if (out !== '' && !reached.has(out)) {
          reached.add(out);
          queue.push(out);
        }
      }
    }
  }
  return reached.has(output);
}
