/**
 * A plain-JavaScript forward pass for built-in architectures made only of linear, tanh, relu and
 * head layers (`arena-state-mlp-v1`): ~2,000 multiply-adds, far cheaper than a call into a
 * runtime, which matters when evolution runs millions of decisions. It computes in float64 on
 * the float32 genome and rounds the outputs to float32; the arena's ONNX Runtime path agrees to
 * float32 rounding (tested), not bit for bit.
 */
import type { Architecture } from '../agents/architectures/architecture.ts';
import { parameterView } from '../agents/architectures/architecture.ts';

type DenseStep =
  | { kind: 'linear'; weight: Float32Array; bias: Float32Array; in: number; out: number }
  | { kind: 'tanh' | 'relu' | 'head' };

/** Whether `arch` can run on {@link createDenseModel}. */
export function isDenseArchitecture(arch: Architecture): boolean {
  return arch.inputShape.length === 1 && arch.layers.every((l) => ['linear', 'tanh', 'relu', 'head'].includes(l.kind));
}

/** A synchronous forward function of one sample. */
export function createDenseForward(arch: Architecture, genome: Float32Array): (input: Float32Array) => Float32Array {
  if (!isDenseArchitecture(arch)) throw new Error(`${arch.id} has layers the dense forward pass does not run`);
  const steps: DenseStep[] = arch.layers.map((l) => {
    if (l.kind === 'linear') {
      return {
        kind: 'linear',
        weight: parameterView(arch, genome, `${l.module}.weight`),
        bias: parameterView(arch, genome, `${l.module}.bias`),
        in: l.in,
        out: l.out,
      };
    }
    return { kind: l.kind as 'tanh' | 'relu' | 'head' };
  });
  const width = Math.max(arch.inputShape[0], ...steps.map((s) => (s.kind === 'linear' ? s.out : 0)));
  let a = new Float64Array(width);
  let b = new Float64Array(width);
  const out = new Float32Array(arch.outputSize);
  return (input) => {
    let n = input.length;
    for (let i = 0; i < n; i++) a[i] = input[i];
    for (const s of steps) {
      if (s.kind === 'linear') {
        for (let o = 0; o < s.out; o++) {
          let z = s.bias[o];
          const row = o * s.in;
          for (let i = 0; i < s.in; i++) z += s.weight[row + i] * a[i];
          b[o] = z;
        }
        [a, b] = [b, a];
        n = s.out;
      } else if (s.kind === 'tanh') {
        for (let i = 0; i < n; i++) a[i] = Math.tanh(a[i]);
      } else if (s.kind === 'relu') {
        for (let i = 0; i < n; i++) a[i] = Math.max(0, a[i]);
      } else {
        a[0] = Math.tanh(a[0]);
        a[1] = 1 / (1 + Math.exp(-a[1]));
        a[2] = 1 / (1 + Math.exp(-a[2]));
      }
    }
    for (let i = 0; i < out.length; i++) out[i] = a[i];
    return out;
  };
}
