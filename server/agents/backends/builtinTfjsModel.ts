/**
 * A built-in architecture (architectures/architecture.ts) run on TensorFlow.js, built straight
 * from the flat genome (agents.md §2.9, §3.7). The input is what PyTorch would get, one NCHW
 * sample after the other (the GA's HWC_AS_NCHW buffer already is such a sample); TF.js convolves
 * in NHWC, so the input is transposed once, kernels go OIHW → HWIO at load, and the tensor is
 * transposed back to NCHW before a flatten so the linear layers see PyTorch's C, H, W order.
 */
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { Logger } from '../../log.ts';
import { checkGenome, inputSize, parameterView, type Architecture } from '../architectures/architecture.ts';
import type { PolicyModel, PolicyModelInfo } from '../runtime/policyModel.ts';
import { getTfjs } from './tfjsRuntime.ts';

type Step = (x: Tensor) => Tensor;

export async function createBuiltinTfjsModel(
  arch: Architecture,
  genome: Float32Array,
  logger?: Logger,
): Promise<PolicyModel> {
  checkGenome(arch, genome, arch.id);
  const { tf, backend } = await getTfjs(logger);
  const owned: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const vector = (name: string): Tensor1D => keep(tf.tensor1d(parameterView(arch, genome, name).slice()));

  const steps: Step[] = [];
  let spatial = arch.inputShape.length === 3; // NHWC image tensor (true) or [N, F] (false)
  try {
    for (const layer of arch.layers) {
      switch (layer.kind) {
        case 'conv': {
          const oihw = tf.tensor4d(parameterView(arch, genome, `${layer.module}.weight`).slice(), [
            layer.out,
            layer.in,
            layer.k,
            layer.k,
          ]);
          const kernel = keep(tf.transpose(oihw, [2, 3, 1, 0]) as Tensor4D);
          oihw.dispose();
          const bias = vector(`${layer.module}.bias`);
          const pad = layer.pad === 0 ? 'valid' : layer.pad;
          steps.push((x) => tf.add(tf.conv2d(x as Tensor4D, kernel, layer.stride, pad), bias));
          break;
        }
        case 'batchnorm': {
          const gamma = vector(`${layer.module}.weight`);
          const beta = vector(`${layer.module}.bias`);
          const mean = vector(`${layer.module}.running_mean`);
          const variance = vector(`${layer.module}.running_var`);
          steps.push((x) => tf.batchNorm(x, mean, variance, beta, gamma, layer.eps));
          break;
        }
        case 'relu':
          steps.push((x) => tf.relu(x));
          break;
        case 'tanh':
          steps.push((x) => tf.tanh(x));
          break;
        case 'maxpool':
          steps.push((x) => tf.maxPool(x as Tensor4D, layer.k, layer.stride, 'valid'));
          break;
        case 'flatten': {
          const wasSpatial = spatial;
          spatial = false;
          steps.push((x) => {
            const nchw = wasSpatial ? tf.transpose(x, [0, 3, 1, 2]) : x;
            return tf.reshape(nchw, [x.shape[0], -1]);
          });
          break;
        }
        case 'linear': {
          const weight = keep(
            tf.tensor2d(parameterView(arch, genome, `${layer.module}.weight`).slice(), [layer.out, layer.in]),
          );
          const bias = vector(`${layer.module}.bias`);
          steps.push((x) => tf.add(tf.matMul(x as Tensor2D, weight, false, true), bias));
          break;
        }
        case 'head':
          steps.push((x) => {
            const [steer, gas, brake] = tf.split(x as Tensor2D, 3, 1);
            return tf.concat([tf.tanh(steer), tf.sigmoid(gas), tf.sigmoid(brake)], 1);
          });
          break;
      }
    }
  } catch (err) {
    for (const t of owned) t.dispose();
    throw err;
  }

  const sampleSize = inputSize(arch);
  const [c, h, w] = arch.inputShape;
  const info: PolicyModelInfo = { inputShape: [...arch.inputShape], outputSize: arch.outputSize, backend };
  let disposed = false;

  return {
    info,
    async run(input: Float32Array, batch: number): Promise<Float32Array> {
      if (disposed) throw new Error(`${arch.id}: the TF.js model was disposed`);
      if (!Number.isInteger(batch) || batch < 1 || input.length !== batch * sampleSize) {
        throw new Error(`input holds ${input.length} values, expected ${batch} x ${sampleSize}`);
      }
      const out = tf.tidy(() => {
        // Copy: TF.js may keep the array it was given, and the caller owns `input`.
        let x: Tensor =
          arch.inputShape.length === 3
            ? tf.transpose(tf.tensor4d(input.slice(), [batch, c, h, w]), [0, 2, 3, 1])
            : tf.tensor2d(input.slice(), [batch, sampleSize]);
        for (const step of steps) x = step(x);
        return x;
      });
      try {
        const data = await out.data();
        if (!(data instanceof Float32Array) || data.length !== batch * arch.outputSize) {
          throw new Error(`${arch.id}: TF.js returned ${data.length} values, expected ${batch} x ${arch.outputSize}`);
        }
        return new Float32Array(data);
      } finally {
        out.dispose();
      }
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      for (const t of owned) t.dispose();
    },
  };
}
