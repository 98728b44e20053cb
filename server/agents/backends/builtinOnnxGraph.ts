/**
 * A built-in architecture as an in-memory ONNX model (agents.md §6.5): the layer list of
 * architectures/architecture.ts becomes Conv / BatchNormalization / Relu / Tanh / MaxPool /
 * Flatten / Gemm nodes with the genome's tensors as float32 initializers, input `obs`
 * [batch, ...inputShape] (PyTorch NCHW, exactly the tensor the original net received) and output
 * `q_values` or `action` [batch, K]. A BatchNorm right after a conv is folded into that conv in
 * float64. ONNX Runtime then runs the graph, which is the fast default executor; TF.js
 * (builtinTfjsModel.ts) is the alternative.
 */
import onnxProto from 'onnx-proto';
import type { Logger } from '../../log.ts';
import { checkGenome, findParameter, type Architecture } from '../architectures/architecture.ts';
import type { PolicyModel } from '../runtime/policyModel.ts';
import { createBuiltinTfjsModel } from './builtinTfjsModel.ts';
import { createOnnxRuntimeModel } from './onnxRuntimeModel.ts';

const { onnx } = onnxProto;

export const BUILTIN_ONNX_OPSET = 17;
export const BUILTIN_ONNX_IR_VERSION = 8;
export const BUILTIN_ONNX_INPUT = 'obs';

export type BuiltinBackend = 'onnxruntime' | 'tfjs';

/** `q_values` for Q-value nets, `action` for nets that end in their own action head (§6.5). */
export function builtinOnnxOutputName(arch: Architecture): 'q_values' | 'action' {
  return arch.outputKind === 'q-values' ? 'q_values' : 'action';
}

function ints(name: string, values: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}
function int(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}
function float(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** The little-endian bytes of a float32 array (ONNX raw_data is always little-endian). */
function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

/**
 * `w' = w·γ/√(var+ε)` per output channel, `b' = (b − mean)·γ/√(var+ε) + β`, computed in float64
 * and rounded to float32 once.
 */
export function foldBatchNorm(
  weight: Float32Array,
  bias: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): { weight: Float32Array; bias: Float32Array } {
  const channels = bias.length;
  const perChannel = weight.length / channels;
  const w = new Float32Array(weight.length);
  const b = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    const scale = gamma[o] / Math.sqrt(variance[o] + eps);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) w[i] = weight[i] * scale;
    b[o] = (bias[o] - mean[o]) * scale + beta[o];
  }
  return { weight: w, bias: b };
}

/** Encodes `arch` with the weights of `genome` as an ONNX ModelProto (opset 17, IR version 8). */
export function buildBuiltinOnnxModel(arch: Architecture, genome: Float32Array): Uint8Array {
  checkGenome(arch, genome, arch.id);
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  const node: onnxProto.onnx.INodeProto[] = [];
  const tensor = (name: string, dims: readonly number[], values: Float32Array): string => {
    initializer.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: littleEndianBytes(values),
    });
    return name;
  };
  const view = (name: string): Float32Array => {
    const p = findParameter(arch, name);
    return genome.subarray(p.offset, p.offset + p.count);
  };
  const weight = (name: string): string => tensor(name, findParameter(arch, name).shape, view(name));
  let current = BUILTIN_ONNX_INPUT;
  let counter = 0;
  const add = (
    opType: string,
    inputs: string[],
    attribute: onnxProto.onnx.IAttributeProto[] = [],
    output = `t${++counter}_${opType.toLowerCase()}`,
  ): string => {
    node.push({ name: `${opType}_${counter}`, opType, input: inputs, output: [output], attribute });
    return output;
  };

  for (let index = 0; index < arch.layers.length; index++) {
    const layer = arch.layers[index];
    switch (layer.kind) {
      case 'conv': {
        const next = arch.layers[index + 1];
        let inputs: string[];
        if (next?.kind === 'batchnorm') {
          // Eval-mode BatchNorm right after a conv is folded into it (§2.9), in float64 and rounded
          // once: ONNX Runtime would fold it anyway, in float32, which doubles the error vs PyTorch.
          const folded = foldBatchNorm(
            view(`${layer.module}.weight`),
            view(`${layer.module}.bias`),
            view(`${next.module}.weight`),
            view(`${next.module}.bias`),
            view(`${next.module}.running_mean`),
            view(`${next.module}.running_var`),
            next.eps,
          );
          const p = findParameter(arch, `${layer.module}.weight`);
          inputs = [
            tensor(`${layer.module}.weight+${next.module}`, p.shape, folded.weight),
            tensor(`${layer.module}.bias+${next.module}`, [layer.out], folded.bias),
          ];
          index++;
        } else {
          inputs = [weight(`${layer.module}.weight`), weight(`${layer.module}.bias`)];
        }
        current = add(
          'Conv',
          [current, ...inputs],
          [
            ints('kernel_shape', [layer.k, layer.k]),
            ints('strides', [layer.stride, layer.stride]),
            ints('pads', [layer.pad, layer.pad, layer.pad, layer.pad]),
            ints('dilations', [1, 1]),
            int('group', 1),
          ],
        );
        break;
      }
      case 'batchnorm':
        current = add(
          'BatchNormalization',
          [
            current,
            weight(`${layer.module}.weight`),
            weight(`${layer.module}.bias`),
            weight(`${layer.module}.running_mean`),
            weight(`${layer.module}.running_var`),
          ],
          [float('epsilon', layer.eps)],
        );
        break;
      case 'relu':
        current = add('Relu', [current]);
        break;
      case 'tanh':
        current = add('Tanh', [current]);
        break;
      case 'maxpool':
        current = add(
          'MaxPool',
          [current],
          [
            ints('kernel_shape', [layer.k, layer.k]),
            ints('strides', [layer.stride, layer.stride]),
            ints('pads', [0, 0, 0, 0]),
          ],
        );
        break;
      case 'flatten':
        current = add('Flatten', [current], [int('axis', 1)]);
        break;
      case 'linear':
        current = add(
          'Gemm',
          [current, weight(`${layer.module}.weight`), weight(`${layer.module}.bias`)],
          [float('alpha', 1), float('beta', 1), int('transA', 0), int('transB', 1)],
        );
        break;
      case 'head': {
        const parts = ['head_z0', 'head_z1', 'head_z2'];
        node.push({
          name: `Split_${++counter}`,
          opType: 'Split',
          input: [current],
          output: parts,
          attribute: [int('axis', 1)],
        });
        const steer = add('Tanh', [parts[0]]);
        const gas = add('Sigmoid', [parts[1]]);
        const brake = add('Sigmoid', [parts[2]]);
        current = add('Concat', [steer, gas, brake], [int('axis', 1)]);
        break;
      }
    }
  }
  // The last node writes the graph output by name.
  const outputName = builtinOnnxOutputName(arch);
  const last = node[node.length - 1];
  if (last === undefined || last.output?.length !== 1) throw new Error(`${arch.id}: empty layer list`);
  last.output = [outputName];
  current = outputName;

  const model = onnx.ModelProto.create({
    irVersion: BUILTIN_ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: BUILTIN_ONNX_OPSET }],
    producerName: 'carracing-arena',
    producerVersion: '1',
    docString: `${arch.id}: ${arch.description}`,
    graph: {
      name: arch.id,
      node,
      initializer,
      input: [valueInfo(BUILTIN_ONNX_INPUT, ['batch', ...arch.inputShape])],
      output: [valueInfo(current, ['batch', arch.outputSize])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** `arch` with the weights of `genome` on ONNX Runtime (one thread). */
export function createBuiltinOnnxModel(arch: Architecture, genome: Float32Array): Promise<PolicyModel> {
  return createOnnxRuntimeModel(buildBuiltinOnnxModel(arch, genome));
}

/**
 * A built-in architecture on the chosen executor: ONNX Runtime (default, ~0.2–0.4 ms per seed
 * decision) or TF.js (backend picked by tfjsRuntime.ts).
 */
export function createBuiltinModel(
  arch: Architecture,
  genome: Float32Array,
  backend: BuiltinBackend = 'onnxruntime',
  logger?: Logger,
): Promise<PolicyModel> {
  return backend === 'tfjs' ? createBuiltinTfjsModel(arch, genome, logger) : createBuiltinOnnxModel(arch, genome);
}
