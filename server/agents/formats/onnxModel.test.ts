import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { AgentFormatError } from '../agentFormatError.ts';
import { createOnnxRuntimeModel } from '../backends/onnxRuntimeModel.ts';
import { MAX_ONNX_BYTES, checkOnnxShapes, inspectOnnxModel, type OnnxModelSummary } from './onnxModel.ts';

const { onnx } = onnxProto;
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/onnx');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(resolve(FIXTURES, name)));
const IMAGE = { inputShape: [3, 96, 96], outputSize: 3 };

/** Runs `fn`, expects an AgentFormatError and returns it. */
function formatError(fn: () => unknown): AgentFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AgentFormatError);
    return error as AgentFormatError;
  }
  throw new Error('expected an AgentFormatError, nothing was thrown');
}

/** The tiny policy, decoded, edited by `edit`, re-encoded. */
function editedTiny(edit: (model: OnnxTypes.ModelProto) => void): Uint8Array {
  const model = onnx.ModelProto.decode(fixture('tiny-conv-policy.onnx'));
  edit(model);
  return onnx.ModelProto.encode(model).finish();
}

function graphOf(model: OnnxTypes.ModelProto): OnnxTypes.IGraphProto {
  if (model.graph === null || model.graph === undefined) throw new Error('fixture has no graph');
  return model.graph;
}

function tensorShape(value: OnnxTypes.IValueInfoProto): OnnxTypes.TensorShapeProto.IDimension[] {
  const dims = value.type?.tensorType?.shape?.dim;
  if (dims === null || dims === undefined) throw new Error('fixture value has no shape');
  return dims;
}

describe('inspectOnnxModel: the valid fixture', () => {
  it('summarises tiny-conv-policy and accepts its shapes', () => {
    const summary = inspectOnnxModel(fixture('tiny-conv-policy.onnx'), 'tiny-conv-policy.onnx');
    expect(summary.inputName).toBe('obs');
    expect(summary.outputName).toBe('action');
    expect(typeof summary.inputDims[0]).toBe('string');
    expect(summary.inputDims.slice(1)).toEqual([3, 96, 96]);
    expect(typeof summary.outputDims[0]).toBe('string');
    expect(summary.outputDims[1]).toBe(3);
    expect(summary.opset).toBe(17);
    expect(summary.opTypes).toEqual([...new Set(summary.opTypes)].sort());
    expect(summary.opTypes).toEqual(expect.arrayContaining(['Conv', 'Gemm', 'MaxPool', 'Tanh', 'Sigmoid']));
    // conv 3->4 k8 (4*3*8*8 + 4) and fc 36->3 (36*3 + 3)
    expect(summary.parameterCount).toBe(4 * 3 * 8 * 8 + 4 + 36 * 3 + 3);
    expect(summary.initializerCount).toBe(4);
    expect(() => checkOnnxShapes(summary, IMAGE, 'tiny-conv-policy.onnx')).not.toThrow();
  });

  it('rejects tiny-conv-policy against another pipeline shape or action decoder', () => {
    const summary = inspectOnnxModel(fixture('tiny-conv-policy.onnx'), 'tiny.onnx');
    const input = formatError(() => checkOnnxShapes(summary, { inputShape: [1, 84, 84], outputSize: 3 }, 'tiny.onnx'));
    expect(input.field).toBe('graph.input.shape');
    expect(input.expected).toContain('[N,1,84,84]');
    expect(input.got).toContain('[batch,3,96,96]');
    const output = formatError(() => checkOnnxShapes(summary, { inputShape: [3, 96, 96], outputSize: 4 }, 'tiny.onnx'));
    expect(output.field).toBe('graph.output.shape');
    expect(output.expected).toContain('[N,4]');
  });

  it('its manifest was written by export_agent.py for exactly this file', () => {
    const manifest = JSON.parse(readFileSync(resolve(FIXTURES, 'tiny-conv-policy.manifest.json'), 'utf8')) as {
      manifestVersion: number;
      model: { format: string; file: string; input: string; output: string; sha256: string };
      observation: { tensor: { layout: string } };
      action: { type: string };
    };
    expect(manifest.manifestVersion).toBe(1);
    expect(manifest.model).toMatchObject({ format: 'onnx', file: 'tiny-conv-policy.onnx', input: 'obs' });
    expect(manifest.model.output).toBe('action');
    expect(manifest.action.type).toBe('continuous');
    expect(manifest.observation.tensor.layout).toBe('NCHW');
    const sha = createHash('sha256').update(fixture('tiny-conv-policy.onnx')).digest('hex');
    expect(manifest.model.sha256).toBe(sha);
  });
});

describe('inspectOnnxModel: hostile fixtures', () => {
  it('external-data.onnx: weights in a side file', () => {
    const e = formatError(() => inspectOnnxModel(fixture('external-data.onnx'), 'external-data.onnx'));
    expect(e.file).toBe('external-data.onnx');
    expect(e.field).toBe('graph.initializer[0].data_location');
    expect(e.got).toContain('EXTERNAL');
    expect(e.got).toContain('external-data.onnx.data');
    expect(e.hint).toContain('external_data=False');
  });

  it('loop-op.onnx: control flow', () => {
    const e = formatError(() => inspectOnnxModel(fixture('loop-op.onnx'), 'loop-op.onnx'));
    expect(e.field).toBe('graph.node[1].op_type');
    expect(e.got).toBe('Loop');
    expect(e.expected).toContain('control-flow');
  });

  it('constant-output.onnx: the naive export has no input', () => {
    const e = formatError(() => inspectOnnxModel(fixture('constant-output.onnx'), 'constant-output.onnx'));
    expect(e.field).toBe('graph.input');
    expect(e.got).toContain('no input');
    expect(e.hint).toContain('torch.tensor');
  });

  it('nan-weights.onnx: a NaN initializer is named', () => {
    const e = formatError(() => inspectOnnxModel(fixture('nan-weights.onnx'), 'nan-weights.onnx'));
    expect(e.field).toBe('graph.initializer[0]');
    expect(e.got).toContain('NaN');
    expect(e.got).toContain("'conv.weight'");
  });

  it('custom-domain.onnx: a node outside the default domain', () => {
    const e = formatError(() => inspectOnnxModel(fixture('custom-domain.onnx'), 'custom-domain.onnx'));
    expect(e.field).toBe('graph.node[1].domain');
    expect(e.got).toContain('com.evil');
  });

  it('state-input.onnx: valid ONNX, but its input is not an image', () => {
    const summary = inspectOnnxModel(fixture('state-input.onnx'), 'state-input.onnx');
    expect(summary.inputDims.slice(1)).toEqual([24]);
    const e = formatError(() => checkOnnxShapes(summary, IMAGE, 'state-input.onnx'));
    expect(e.field).toBe('graph.input.shape');
    expect(e.expected).toBe('float32 [N,3,96,96] (an image of the shape the manifest pipeline produces)');
    expect(e.got).toContain('[batch,24]');
    expect(e.hint).toContain('state vector');
  });

  it('truncated, random and empty files give an AgentFormatError, not a protobuf exception', () => {
    const tiny = fixture('tiny-conv-policy.onnx');
    for (const cut of [7, 100, 3000, tiny.length - 1]) {
      const e = formatError(() => inspectOnnxModel(tiny.subarray(0, cut), 'cut.onnx'));
      expect(e.file).toBe('cut.onnx');
    }
    let state = 12345;
    for (let trial = 0; trial < 20; trial++) {
      const random = new Uint8Array(4096);
      for (let i = 0; i < random.length; i++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        random[i] = state >>> 24;
      }
      formatError(() => inspectOnnxModel(random, 'random.onnx'));
    }
    expect(formatError(() => inspectOnnxModel(new Uint8Array(0), 'empty.onnx')).field).toBe('file');
  });

  it('refuses files over 50 MB before parsing them', () => {
    const e = formatError(() => inspectOnnxModel(new Uint8Array(MAX_ONNX_BYTES + 1), 'huge.onnx'));
    expect(e.field).toBe('file');
    expect(e.got).toBe(`${MAX_ONNX_BYTES + 1} bytes`);
  });
});

describe('inspectOnnxModel: edited models', () => {
  it('opset outside 7..21', () => {
    for (const version of [6, 22]) {
      const bytes = editedTiny((m) => {
        m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version })];
      });
      const e = formatError(() => inspectOnnxModel(bytes, 'opset.onnx'));
      expect(e.field).toBe('opset_import');
      expect(e.got).toBe(String(version));
    }
    const none = editedTiny((m) => {
      m.opsetImport = [];
    });
    expect(formatError(() => inspectOnnxModel(none, 'opset.onnx')).field).toBe('opset_import');
  });

  it('an operator outside the allowlist', () => {
    const bytes = editedTiny((m) => {
      const nodes = graphOf(m).node ?? [];
      const i = nodes.findIndex((n) => n.opType === 'Relu');
      nodes[i].opType = 'NonMaxSuppression';
    });
    const e = formatError(() => inspectOnnxModel(bytes, 'op.onnx'));
    expect(e.field).toMatch(/^graph\.node\[\d+\]\.op_type$/);
    expect(e.got).toBe('"NonMaxSuppression"');
    expect(e.hint).toContain('Conv');
  });

  it('external data declared on a Constant node attribute tensor', () => {
    const bytes = editedTiny((m) => {
      const nodes = graphOf(m).node ?? [];
      const i = nodes.findIndex((n) => n.opType === 'Constant');
      const t = nodes[i].attribute?.[0].t;
      if (t === null || t === undefined) throw new Error('Constant without tensor');
      t.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: '../../etc/passwd' })];
    });
    const e = formatError(() => inspectOnnxModel(bytes, 'attr.onnx'));
    expect(e.field).toMatch(/^graph\.node\[\d+\]\.attribute\[0\]\.t\.external_data$/);
  });

  it('an Inf weight stored as float_data (not raw_data)', () => {
    const bytes = editedTiny((m) => {
      const init = graphOf(m).initializer ?? [];
      const t = init[1];
      const raw = t.rawData as Uint8Array;
      const values = Array.from(new Float32Array(raw.slice().buffer));
      values[2] = Infinity;
      t.rawData = new Uint8Array(0);
      t.floatData = values;
    });
    const e = formatError(() => inspectOnnxModel(bytes, 'inf.onnx'));
    expect(e.field).toBe('graph.initializer[1]');
    expect(e.got).toContain('Infinity at element 2');
  });

  it('raw_data whose length does not match the dims', () => {
    const bytes = editedTiny((m) => {
      const t = (graphOf(m).initializer ?? [])[0];
      t.rawData = (t.rawData as Uint8Array).subarray(0, 8);
    });
    expect(formatError(() => inspectOnnxModel(bytes, 'short.onnx')).field).toBe('graph.initializer[0].raw_data');
  });

  it('a non-float32 input, two inputs, two outputs', () => {
    const intInput = editedTiny((m) => {
      const type = graphOf(m).input?.[0].type?.tensorType;
      if (type === null || type === undefined) throw new Error('no input type');
      type.elemType = 2; // uint8
    });
    const e = formatError(() => inspectOnnxModel(intInput, 'u8.onnx'));
    expect(e.field).toBe('graph.input[0].type.elem_type');
    expect(e.got).toContain('uint8');

    const twoInputs = editedTiny((m) => {
      const g = graphOf(m);
      const extra = onnx.ValueInfoProto.create({ ...(g.input ?? [])[0], name: 'obs2' });
      g.input = [...(g.input ?? []), extra];
    });
    const e2 = formatError(() => inspectOnnxModel(twoInputs, 'two.onnx'));
    expect(e2.field).toBe('graph.input');
    expect(e2.got).toContain('obs, obs2');

    const twoOutputs = editedTiny((m) => {
      const g = graphOf(m);
      g.output = [...(g.output ?? []), onnx.ValueInfoProto.create({ ...(g.output ?? [])[0], name: 'extra' })];
    });
    expect(formatError(() => inspectOnnxModel(twoOutputs, 'out.onnx')).field).toBe('graph.output');
  });

  it('an output that does not depend on the input', () => {
    const bytes = editedTiny((m) => {
      const g = graphOf(m);
      const constant = (g.node ?? []).find((n) => n.opType === 'Constant');
      const out = (g.output ?? [])[0];
      if (constant === undefined) throw new Error('no Constant node');
      out.name = (constant.output ?? [])[0];
    });
    const e = formatError(() => inspectOnnxModel(bytes, 'const.onnx'));
    expect(e.field).toBe('graph.output[0]');
    expect(e.got).toContain('does not depend');
  });
});

describe('checkOnnxShapes: batch axes and ranks', () => {
  const base: OnnxModelSummary = inspectOnnxModel(fixture('tiny-conv-policy.onnx'), 'tiny.onnx');

  it('accepts a fixed batch of 1, rejects a fixed batch of 8', () => {
    expect(() =>
      checkOnnxShapes({ ...base, inputDims: [1, 3, 96, 96], outputDims: [1, 3] }, IMAGE, 'one.onnx'),
    ).not.toThrow();
    const e = formatError(() => checkOnnxShapes({ ...base, inputDims: [8, 3, 96, 96] }, IMAGE, 'eight.onnx'));
    expect(e.field).toBe('graph.input.shape');
  });

  it('rejects a rank-1 output [K]', () => {
    const e = formatError(() => checkOnnxShapes({ ...base, outputDims: [3] }, IMAGE, 'rank1.onnx'));
    expect(e.field).toBe('graph.output.shape');
    expect(e.hint).toContain('[N, K]');
  });

  it('rejects a fixed output batch of 1 under a symbolic input batch', () => {
    const e = formatError(() => checkOnnxShapes({ ...base, outputDims: [1, 3] }, IMAGE, 'view1.onnx'));
    expect(e.field).toBe('graph.output.shape');
    expect(e.hint).toContain('view(1, -1)');
  });

  it('rejects unknown dims after the batch axis', () => {
    const bytes = editedTiny((m) => {
      const dims = tensorShape((graphOf(m).input ?? [])[0]);
      dims[2] = onnx.TensorShapeProto.Dimension.create({});
    });
    const summary = inspectOnnxModel(bytes, 'unknown.onnx');
    expect(summary.inputDims).toEqual(['batch', 3, '?', 96]);
    expect(formatError(() => checkOnnxShapes(summary, IMAGE, 'unknown.onnx')).field).toBe('graph.input.shape');
  });
});

describe('createOnnxRuntimeModel on tiny-conv-policy', () => {
  it('gives the same per-sample outputs at batch 1 and batch 8', async () => {
    const model = await createOnnxRuntimeModel(fixture('tiny-conv-policy.onnx'));
    try {
      expect(model.info.inputShape).toEqual([3, 96, 96]);
      expect(model.info.outputSize).toBe(3);
      const sample = 3 * 96 * 96;
      const batch = new Float32Array(8 * sample);
      let state = 99;
      for (let i = 0; i < batch.length; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        batch[i] = state / 2 ** 32; // the manifest's affine 1/255 range
      }
      const together = await model.run(batch, 8);
      expect(together.length).toBe(24);
      for (let b = 0; b < 8; b++) {
        const alone = await model.run(batch.slice(b * sample, (b + 1) * sample), 1);
        for (let k = 0; k < 3; k++) expect(Math.abs(alone[k] - together[b * 3 + k])).toBeLessThanOrEqual(1e-6);
        expect(alone[0]).toBeGreaterThanOrEqual(-1);
        expect(alone[0]).toBeLessThanOrEqual(1);
        expect(alone[1]).toBeGreaterThanOrEqual(0);
        expect(alone[2]).toBeLessThanOrEqual(1);
      }
      // The output depends on the input: samples differ.
      const rows = new Set(Array.from({ length: 8 }, (_, b) => together.slice(b * 3, b * 3 + 3).join(',')));
      expect(rows.size).toBe(8);
    } finally {
      await model.dispose();
    }
  });
});
