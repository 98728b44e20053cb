/**
 * A PolicyModel on ONNX Runtime (onnxruntime-node, CPU). One thread per session (intra- and
 * inter-op): a race host runs many agents side by side, and a model that grabbed every core
 * would slow all the others. A fixed batch axis of 1 is honoured by running samples one by one.
 */
import * as ort from 'onnxruntime-node';
import { runSamples, type PolicyModel, type PolicyModelInfo } from '../runtime/policyModel.ts';

export interface OnnxRuntimeModelOptions {
  /** Input and output names; default the graph's only input and output. */
  readonly inputName?: string;
  readonly outputName?: string;
}

function staticDims(dims: readonly (number | string)[] | undefined): (number | null)[] {
  return (dims ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : null));
}

export async function createOnnxRuntimeModel(
  bytes: Uint8Array,
  options: OnnxRuntimeModelOptions = {},
): Promise<PolicyModel> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const inputName = options.inputName ?? session.inputNames[0];
  const outputName = options.outputName ?? session.outputNames[0];
  if (inputName === undefined || !session.inputNames.includes(inputName)) {
    await session.release();
    throw new Error(`ONNX model has no input named ${String(inputName)}`);
  }
  if (outputName === undefined || !session.outputNames.includes(outputName)) {
    await session.release();
    throw new Error(`ONNX model has no output named ${String(outputName)}`);
  }
  const inputMeta = session.inputMetadata.find((m) => m.name === inputName);
  const outputMeta = session.outputMetadata.find((m) => m.name === outputName);
  const inDims = staticDims(inputMeta?.isTensor === true ? inputMeta.shape : undefined);
  const outDims = staticDims(outputMeta?.isTensor === true ? outputMeta.shape : undefined);
  const sampleShape = inDims.slice(1);
  if (sampleShape.length === 0 || sampleShape.some((d) => d === null)) {
    await session.release();
    throw new Error(`ONNX input ${inputName} must have a fixed shape after the batch axis, got [${inDims.join(', ')}]`);
  }
  const inputShape = sampleShape as number[];
  const outputSize = outDims.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  const fixedBatchOne = inDims[0] === 1;
  const sampleSize = inputShape.reduce((a, d) => a * d, 1);
  const info: PolicyModelInfo = { inputShape, outputSize, backend: 'onnxruntime', inputName, outputName };

  const runOnce = async (data: Float32Array, batch: number): Promise<Float32Array> => {
    const tensor = new ort.Tensor('float32', data, [batch, ...inputShape]);
    const result = await session.run({ [inputName]: tensor }, [outputName]);
    const out = result[outputName];
    if (out === undefined || !(out.data instanceof Float32Array)) {
      throw new Error(`ONNX output ${outputName} is not float32`);
    }
    const values = new Float32Array(out.data);
    out.dispose();
    return values;
  };

  return {
    info,
    run: (input, batch) => runSamples(runOnce, input, batch, { sampleSize, outputSize, fixedBatchOne }),
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}
