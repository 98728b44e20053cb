import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { AgentFormatError } from '../agentFormatError.ts';
import { defineArchitecture } from '../architectures/architecture.ts';
import { JANKOWSKI_CONVNET_V1 } from '../architectures/jankowskiConvnet.ts';
import { SARENAC_DQN_V1 } from '../architectures/sarenacDqn.ts';
import { ARENA_STATE_MLP_V1 } from '../architectures/stateMlp.ts';
import { defineGoldenTests, loadDqnGenome, pseudoRandomGenome } from './builtinGolden.testutil.ts';
import {
  buildBuiltinOnnxModel,
  createBuiltinModel,
  createBuiltinOnnxModel,
  foldBatchNorm,
} from './builtinOnnxGraph.ts';

const { onnx } = onnxProto;

defineGoldenTests('onnxruntime', createBuiltinOnnxModel, (line) => console.log(line));

function dims(info: onnxProto.onnx.IValueInfoProto): (number | string)[] {
  return (info.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
}

type Graph = Omit<onnxProto.onnx.GraphProto, 'node' | 'initializer'> & {
  node: onnxProto.onnx.NodeProto[];
  initializer: onnxProto.onnx.TensorProto[];
};

/** The decoded graph; protobufjs fills every repeated field of a decoded message. */
function decodeGraph(bytes: Uint8Array): Graph {
  const graph = onnx.ModelProto.decode(bytes).graph;
  if (graph === null || graph === undefined) throw new Error('no graph');
  return graph as Graph;
}

function attr(node: onnxProto.onnx.NodeProto, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

describe('buildBuiltinOnnxModel', () => {
  it('encodes sarenac-dqn-v1 as an opset-17 graph with raw float32 initializers', () => {
    const genome = loadDqnGenome();
    const bytes = buildBuiltinOnnxModel(SARENAC_DQN_V1, genome);
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = decodeGraph(bytes);
    expect(graph.input.map((i) => [i.name, dims(i)])).toEqual([['obs', ['batch', 1, 84, 84]]]);
    expect(graph.output.map((o) => [o.name, dims(o)])).toEqual([['q_values', ['batch', 4]]]);
    // Each BatchNorm is folded into its conv.
    expect(graph.node.map((n) => n.opType)).toEqual([
      ...['Conv', 'Relu', 'Conv', 'Relu', 'Conv', 'Relu'],
      'Flatten',
      'Gemm',
      'Gemm',
    ]);
    expect(graph.node.every((n) => n.domain === '')).toBe(true);
    const gemm = graph.node.find((n) => n.opType === 'Gemm')!;
    expect(Number(attr(gemm, 'transB')?.i)).toBe(1);
    let floats = 0;
    for (const t of graph.initializer) {
      expect(t.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
      expect(t.dataLocation).not.toBe(onnx.TensorProto.DataLocation.EXTERNAL);
      expect(t.rawData.length).toBe(4 * t.dims.reduce<number>((a, d) => a * Number(d), 1));
      floats += t.rawData.length / 4;
    }
    expect(floats).toBe(SARENAC_DQN_V1.genomeLength - 4 * (16 + 32 + 32));
    const w = graph.initializer.find((t) => t.name === 'linear2.bias')!;
    expect(Array.from(new Float32Array(Uint8Array.from(w.rawData).buffer))).toEqual(
      Array.from(genome.subarray(441_888)),
    );
  });

  it('encodes the GA head as Split + Tanh/Sigmoid + Concat with output "action"', () => {
    const genome = pseudoRandomGenome(JANKOWSKI_CONVNET_V1.genomeLength, 3, 0.1);
    const graph = decodeGraph(buildBuiltinOnnxModel(JANKOWSKI_CONVNET_V1, genome));
    expect(graph.node.map((n) => n.opType)).toEqual([
      'Conv',
      'Relu',
      'MaxPool',
      'Flatten',
      'Gemm',
      'Relu',
      'Gemm',
      'Split',
      'Tanh',
      'Sigmoid',
      'Sigmoid',
      'Concat',
    ]);
    const conv = graph.node[0];
    expect(attr(conv, 'pads')?.ints?.map(Number)).toEqual([1, 1, 1, 1]);
    const pool = graph.node[2];
    expect(attr(pool, 'kernel_shape')?.ints?.map(Number)).toEqual([2, 2]);
    expect(attr(pool, 'strides')?.ints?.map(Number)).toEqual([3, 3]);
    expect(graph.output.map((o) => [o.name, dims(o)])).toEqual([['action', ['batch', 3]]]);
  });

  it('folds a conv + BatchNorm in float64 and emits a standalone BatchNormalization node', async () => {
    // Folding by hand: channel 0 of conv1 of the seed DQN.
    const genome = loadDqnGenome();
    const folded = foldBatchNorm(
      genome.subarray(0, 400),
      genome.subarray(400, 416),
      genome.subarray(416, 432),
      genome.subarray(432, 448),
      genome.subarray(448, 464),
      genome.subarray(464, 480),
      1e-5,
    );
    const scale0 = genome[416] / Math.sqrt(genome[464] + 1e-5);
    expect(folded.weight[7]).toBe(Math.fround(genome[7] * scale0));
    expect(folded.bias[0]).toBe(Math.fround((genome[400] - genome[448]) * scale0 + genome[432]));

    // A BatchNorm after a ReLU cannot be folded: the graph keeps it, and both executors agree.
    const arch = defineArchitecture({
      id: 'test-conv-relu-bn',
      description: 'test',
      inputShape: [2, 9, 9],
      outputKind: 'q-values',
      layers: [
        { kind: 'conv', module: 'conv', in: 2, out: 4, k: 3, stride: 2, pad: 1 },
        { kind: 'relu' },
        { kind: 'batchnorm', module: 'bn', channels: 4, eps: 1e-5 },
        { kind: 'maxpool', k: 2, stride: 2 },
        { kind: 'flatten' },
        { kind: 'linear', module: 'fc', in: 16, out: 5 },
      ],
    });
    const weights = pseudoRandomGenome(arch.genomeLength, 21, 1);
    // running_var must be positive.
    const rv = arch.parameters.find((p) => p.name === 'bn.running_var')!;
    for (let i = rv.offset; i < rv.offset + rv.count; i++) weights[i] = Math.abs(weights[i]) + 0.1;
    const graph = decodeGraph(buildBuiltinOnnxModel(arch, weights));
    expect(graph.node.map((n) => n.opType)).toEqual([
      'Conv',
      'Relu',
      'BatchNormalization',
      'MaxPool',
      'Flatten',
      'Gemm',
    ]);
    const input = pseudoRandomGenome(3 * 2 * 81, 4, 5);
    const ort = await createBuiltinModel(arch, weights);
    const tfjs = await createBuiltinModel(arch, weights, 'tfjs');
    try {
      const a = await ort.run(input, 3);
      const b = await tfjs.run(input, 3);
      expect(a.length).toBe(15);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(a[i])));
    } finally {
      await ort.dispose();
      await tfjs.dispose();
    }
  });

  it('refuses a genome of the wrong length or with NaN', () => {
    expect(() => buildBuiltinOnnxModel(ARENA_STATE_MLP_V1, new Float32Array(10))).toThrow(AgentFormatError);
    const genome = new Float32Array(ARENA_STATE_MLP_V1.genomeLength);
    genome[3] = Number.NaN;
    expect(() => buildBuiltinOnnxModel(ARENA_STATE_MLP_V1, genome)).toThrow(/genome\[3\] \(fc1\.weight\)/);
  });

  it('createBuiltinModel picks the executor, ONNX Runtime by default', async () => {
    const genome = pseudoRandomGenome(ARENA_STATE_MLP_V1.genomeLength, 5, 0.5);
    const ort = await createBuiltinModel(ARENA_STATE_MLP_V1, genome);
    const tfjs = await createBuiltinModel(ARENA_STATE_MLP_V1, genome, 'tfjs');
    try {
      expect(ort.info.backend).toBe('onnxruntime');
      expect(ort.info.inputName).toBe('obs');
      expect(ort.info.outputName).toBe('action');
      expect(tfjs.info.backend).toMatch(/^tfjs-(node|wasm|cpu)$/);
      const x = pseudoRandomGenome(24, 9, 2);
      const a = await ort.run(x, 1);
      const b = await tfjs.run(x, 1);
      for (let i = 0; i < 3; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    } finally {
      await ort.dispose();
      await tfjs.dispose();
    }
  });
});
