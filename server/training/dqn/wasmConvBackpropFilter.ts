/**
 * TF.js's WebAssembly backend has no `Conv2DBackpropFilter` kernel (4.22), so a conv net cannot
 * train on it ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"), and the plain
 * JavaScript `cpu` backend takes about a minute per seed-DQN batch here. This registers the
 * kernel for `wasm`, composed of kernels it does have: the filter gradient of a VALID, NHWC,
 * undilated convolution with stride s is itself a convolution, of the input (batch and channel
 * axes swapped) with the output gradient as the filter, at stride 1 and dilation s:
 *
 *   dW[kh,kw,ci,co] = Σ_{n,a,b} x[n, kh + s·a, kw + s·b, ci] · dy[n, a, b, co]
 *
 * then cut to the kernel size. Checked against the `cpu` backend's kernel in the test.
 */
import type { Tf } from '../../agents/backends/tfjsRuntime.ts';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelCall = (args: {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}) => TensorInfo;

const KERNEL = 'Conv2DBackpropFilter';

export function registerWasmConvBackpropFilter(tf: Tf): void {
  if (tf.getKernel(KERNEL, 'wasm') !== undefined) return;
  const kernel = (name: string): KernelCall => {
    const k = tf.getKernel(name, 'wasm');
    if (k === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
    return k.kernelFunc as unknown as KernelCall;
  };
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs }: Parameters<KernelCall>[0]) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as {
        strides: number | [number, number];
        pad: unknown;
        dataFormat: string;
        dilations?: number | [number, number];
        filterShape: [number, number, number, number];
      };
      const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const dil =
        a.dilations === undefined ? [1, 1] : typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
      if (a.pad !== 'valid' || a.dataFormat !== 'NHWC' || dil[0] !== 1 || dil[1] !== 1 || sh !== sw) {
        throw new Error(`${KERNEL} on wasm: only VALID, NHWC, undilated, square-stride convolutions`);
      }
      const [kh, kw] = a.filterShape;
      const b = backend as { disposeData(dataId: object): void };
      const transpose = kernel('Transpose');
      const conv = kernel('Conv2D');
      const slice = kernel('Slice');
      const xt = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
      const dyt = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
      const full = conv({
        inputs: { x: xt, filter: dyt },
        backend,
        attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
      });
      const cut = slice({ inputs: { x: full }, backend, attrs: { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] } });
      const dw = transpose({ inputs: { x: cut }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of [xt, dyt, full, cut]) b.disposeData(t.dataId);
      return dw;
    }) as never,
  });
}
