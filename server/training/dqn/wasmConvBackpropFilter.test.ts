import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { registerWasmConvBackpropFilter } from './wasmConvBackpropFilter.ts';

describe('registerWasmConvBackpropFilter', () => {
  it('gives the cpu backend filter gradient of a strided VALID conv', async () => {
    const x = Array.from({ length: 2 * 13 * 11 * 3 }, (_, i) => Math.sin(i * 0.37));
    const dy = Array.from({ length: 2 * 5 * 4 * 4 }, (_, i) => Math.cos(i * 0.11));
    const grad = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend);
      await tf.ready();
      if (backend === 'wasm') registerWasmConvBackpropFilter(tf);
      const xt = tf.tensor4d(x, [2, 13, 11, 3]);
      const dyt = tf.tensor4d(dy, [2, 5, 4, 4]);
      const w = tf.zeros([5, 5, 3, 4]) as tf.Tensor4D;
      const out = tf.grad((f: tf.Tensor) =>
        tf
          .conv2d(xt, f as tf.Tensor4D, 2, 'valid')
          .mul(dyt)
          .sum(),
      )(w);
      return (await out.data()) as Float32Array;
    };
    const cpu = await grad('cpu');
    const wasm = await grad('wasm');
    expect(wasm.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i], 4);
  });
});
