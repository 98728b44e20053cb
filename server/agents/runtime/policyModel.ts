/**
 * The one contract every model backend implements (ONNX Runtime, TensorFlow.js, built-in
 * architectures): a batch of preprocessed observation tensors in, a batch of raw output vectors
 * out. Preprocessing (shared/agents/observationPipeline.ts) and action decoding
 * (shared/agents/actionDecoder.ts) stay outside, driven by the agent's manifest.
 */

/** Which engine runs a model; logged and shown in reports and benchmarks. */
/** Where a model runs; 'js': a plain-JavaScript forward pass (the trainers' MLP). */
export type ModelBackendName = 'onnxruntime' | 'tfjs-node' | 'tfjs-wasm' | 'tfjs-cpu' | 'js';

export interface PolicyModelInfo {
  /**
   * Shape of ONE input sample, batch axis excluded, in the layout the model reads it:
   * `[C, H, W]` for an NCHW image model, `[H, W, C]` for NHWC, `[F]` for a feature vector.
   */
  readonly inputShape: readonly number[];
  /** Length K of one output vector (Q-values, logits or an action). */
  readonly outputSize: number;
  readonly backend: ModelBackendName;
  /** The model's input and output tensor names where it has names (ONNX, TF.js). */
  readonly inputName?: string;
  readonly outputName?: string;
}

export interface PolicyModel {
  readonly info: PolicyModelInfo;
  /**
   * Runs `batch` samples at once. `input` holds batch × prod(inputShape) float32 values, sample
   * after sample, each in the layout of `info.inputShape`. Resolves to batch × outputSize values.
   * Never keeps a reference to `input` after it resolves.
   */
  run(input: Float32Array, batch: number): Promise<Float32Array>;
  /** Frees native or GPU memory; the model is unusable afterwards. */
  dispose(): Promise<void>;
}

/**
 * `run` for a model whose batch axis is fixed to 1 (or not): a batch goes through in one call
 * when the model takes any batch, else sample by sample. Checks the input length either way.
 */
export async function runSamples(
  runBatch: (input: Float32Array, batch: number) => Promise<Float32Array>,
  input: Float32Array,
  batch: number,
  shape: { readonly sampleSize: number; readonly outputSize: number; readonly fixedBatchOne: boolean },
): Promise<Float32Array> {
  const { sampleSize, outputSize, fixedBatchOne } = shape;
  if (!Number.isInteger(batch) || batch < 1 || input.length !== batch * sampleSize) {
    throw new Error(`input holds ${input.length} values, expected ${batch} x ${sampleSize}`);
  }
  if (!fixedBatchOne || batch === 1) return runBatch(input, batch);
  const outputs = new Float32Array(batch * outputSize);
  for (let i = 0; i < batch; i++) {
    outputs.set(await runBatch(input.subarray(i * sampleSize, (i + 1) * sampleSize), 1), i * outputSize);
  }
  return outputs;
}
