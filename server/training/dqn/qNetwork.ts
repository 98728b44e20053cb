/**
 * The DQN's Q-network as a trainable TF.js LayersModel, built from a built-in architecture's
 * layer list (server/agents/architectures), and converted both ways between the model's weights
 * and the architecture's flat genome (PyTorch `state_dict` order). The genome is what the arena
 * runs: `sarenac-dqn-v1` as an npy genome, any other as an ONNX graph of the same layers.
 *
 * TF.js is NHWC, PyTorch NCHW: conv kernels are stored HWIO here and OIHW in the genome, and the
 * first linear layer after a flatten sees (row, column, channel) order here and (channel, row,
 * column) there, so its columns are permuted (agents.md §2.9).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Architecture, LayerSpec } from '../../agents/architectures/architecture.ts';
import { layerOutputShapes, parameterView } from '../../agents/architectures/architecture.ts';
import type { Tf } from '../../agents/backends/tfjsRuntime.ts';

/** Keras BatchNormalization momentum equal to PyTorch's default momentum 0.1. */
const BN_MOMENTUM = 0.9;

/** The model's input shape for one sample (NHWC for images). */
export function nhwcInputShape(arch: Architecture): number[] {
  const s = arch.inputShape;
  return s.length === 3 ? [s[1], s[2], s[0]] : [...s];
}

export function buildQNetwork(tf: Tf, arch: Architecture): tfTypes.LayersModel {
  if (arch.outputKind !== 'q-values') throw new Error(`${arch.id} is not a Q-network`);
  const model = tf.sequential();
  let first = true;
  const input = (): { inputShape?: number[] } => {
    if (!first) return {};
    first = false;
    return { inputShape: nhwcInputShape(arch) };
  };
  for (const l of arch.layers) {
    switch (l.kind) {
      case 'conv':
        if (l.pad !== 0) throw new Error('only unpadded convolutions train on TF.js here');
        model.add(
          tf.layers.conv2d({
            ...input(),
            filters: l.out,
            kernelSize: l.k,
            strides: l.stride,
            padding: 'valid',
            name: l.module,
          }),
        );
        break;
      case 'batchnorm':
        model.add(tf.layers.batchNormalization({ ...input(), momentum: BN_MOMENTUM, epsilon: l.eps, name: l.module }));
        break;
      case 'relu':
        model.add(tf.layers.reLU(input()));
        break;
      case 'tanh':
        model.add(tf.layers.activation({ ...input(), activation: 'tanh' }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten(input()));
        break;
      case 'linear':
        model.add(tf.layers.dense({ ...input(), units: l.out, name: l.module }));
        break;
      default:
        throw new Error(`layer ${l.kind} has no trainable TF.js equivalent here`);
    }
  }
  return model;
}

/** For a linear layer right after a flatten of [C, H, W]: those dims, else null. */
function flattenedFrom(arch: Architecture, layer: LayerSpec): [number, number, number] | null {
  const shapes = layerOutputShapes(arch.inputShape, arch.layers);
  const i = arch.layers.indexOf(layer);
  if (i < 1 || arch.layers[i - 1].kind !== 'flatten') return null;
  const before = i >= 2 ? shapes[i - 2] : arch.inputShape;
  return before.length === 3 ? [before[0], before[1], before[2]] : null;
}

/** Values of one model weight in TF.js layout, from the genome. */
function toTfjs(arch: Architecture, genome: Float32Array, layer: LayerSpec, which: string): Float32Array {
  if (layer.kind === 'conv') {
    const w = parameterView(arch, genome, `${layer.module}.${which}`);
    if (which === 'bias') return Float32Array.from(w);
    const { out: o, in: i, k } = layer;
    const hwio = new Float32Array(w.length);
    for (let a = 0; a < o; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++) hwio[((y * k + x) * i + b) * o + a] = w[((a * i + b) * k + y) * k + x];
    return hwio;
  }
  if (layer.kind === 'linear') {
    const w = parameterView(arch, genome, `${layer.module}.${which}`);
    if (which === 'bias') return Float32Array.from(w);
    const from = flattenedFrom(arch, layer);
    const kernel = new Float32Array(w.length);
    for (let o = 0; o < layer.out; o++) {
      for (let col = 0; col < layer.in; col++) {
        let tfRow = col;
        if (from !== null) {
          const [c, h, wd] = from;
          const ch = Math.floor(col / (h * wd));
          const y = Math.floor((col % (h * wd)) / wd);
          const x = col % wd;
          tfRow = (y * wd + x) * c + ch;
        }
        kernel[tfRow * layer.out + o] = w[o * layer.in + col];
      }
    }
    return kernel;
  }
  return Float32Array.from(parameterView(arch, genome, `${(layer as { module: string }).module}.${which}`));
}

const TORCH_NAMES: Record<string, string[]> = {
  conv: ['weight', 'bias'],
  linear: ['weight', 'bias'],
  batchnorm: ['weight', 'bias', 'running_mean', 'running_var'],
};

/** Sets the model's weights from a genome of `arch`. */
export function setGenome(tf: Tf, model: tfTypes.LayersModel, arch: Architecture, genome: Float32Array): void {
  for (const layer of arch.layers) {
    const names = TORCH_NAMES[layer.kind];
    if (names === undefined) continue;
    const target = model.getLayer((layer as { module: string }).module);
    const current = target.getWeights();
    target.setWeights(names.map((n, i) => tf.tensor(toTfjs(arch, genome, layer, n), current[i].shape)));
  }
}

/** The model's weights (BN moving statistics included) as a genome of `arch`. */
export function getGenome(model: tfTypes.LayersModel, arch: Architecture): Float32Array {
  const genome = new Float32Array(arch.genomeLength);
  for (const layer of arch.layers) {
    const names = TORCH_NAMES[layer.kind];
    if (names === undefined) continue;
    const weights = model.getLayer((layer as { module: string }).module).getWeights();
    names.forEach((n, i) => {
      const tfValues = weights[i].dataSync() as Float32Array;
      const out = parameterView(arch, genome, `${(layer as { module: string }).module}.${n}`);
      if (layer.kind === 'conv' && n === 'weight') {
        const { out: o, in: ci, k } = layer;
        for (let a = 0; a < o; a++)
          for (let b = 0; b < ci; b++)
            for (let y = 0; y < k; y++)
              for (let x = 0; x < k; x++)
                out[((a * ci + b) * k + y) * k + x] = tfValues[((y * k + x) * ci + b) * o + a];
      } else if (layer.kind === 'linear' && n === 'weight') {
        const from = flattenedFrom(arch, layer);
        for (let o = 0; o < layer.out; o++) {
          for (let col = 0; col < layer.in; col++) {
            let tfRow = col;
            if (from !== null) {
              const [c, h, wd] = from;
              tfRow = (Math.floor((col % (h * wd)) / wd) * wd + (col % wd)) * c + Math.floor(col / (h * wd));
            }
            out[o * layer.in + col] = tfValues[tfRow * layer.out + o];
          }
        }
      } else {
        out.set(tfValues);
      }
    });
  }
  return genome;
}
