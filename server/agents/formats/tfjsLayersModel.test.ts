import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentFormatError } from '../agentFormatError.ts';
import { getTfjs } from '../backends/tfjsRuntime.ts';
import { loadTfjsLayersModel, validateTfjsLayersModel } from './tfjsLayersModel.ts';

interface Saved {
  modelJson: Record<string, unknown>;
  weightData: Uint8Array;
}

const encoder = new TextEncoder();

/** Saves `model` the way tf.io would write it to disk: model.json + the weights bytes. */
async function save(model: tf.LayersModel): Promise<Saved> {
  let saved: Saved | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bytes = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
      let o = 0;
      for (const b of buffers) {
        bytes.set(new Uint8Array(b), o);
        o += b.byteLength;
      }
      saved = {
        modelJson: {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [
            { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: artifacts.weightSpecs },
          ],
        },
        weightData: bytes,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) throw new Error('save handler was not called');
  return saved;
}

/** The upload: model.json plus the weights split into two shards at a float boundary. */
function files(
  saved: Saved,
  edit?: (json: Record<string, unknown>, weights: Uint8Array) => void,
): Map<string, Uint8Array> {
  const json = structuredClone(saved.modelJson);
  const weights = saved.weightData.slice();
  edit?.(json, weights);
  const manifest = json.weightsManifest as { paths: string[] }[];
  const [first, second] = manifest[0].paths;
  const cut = 4 * 37;
  return new Map([
    ['model.json', encoder.encode(JSON.stringify(json))],
    [first, weights.subarray(0, cut)],
    [second, weights.subarray(cut)],
  ]);
}

function layersOf(json: Record<string, unknown>): Record<string, unknown>[] {
  return ((json.modelTopology as Record<string, unknown>).config as { layers: Record<string, unknown>[] }).layers;
}

async function formatError(upload: Map<string, Uint8Array>): Promise<AgentFormatError> {
  try {
    const model = await loadTfjsLayersModel(upload);
    await model.dispose();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentFormatError);
    return e as AgentFormatError;
  }
  throw new Error('expected an AgentFormatError');
}

describe('TF.js LayersModel uploads', () => {
  let original: tf.Sequential;
  let saved: Saved;

  beforeAll(async () => {
    const { tf: runtimeTf } = await getTfjs();
    expect(runtimeTf.getBackend()).toBe(tf.getBackend());
    original = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, strides: 2, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 8, activation: 'tanh' }),
        tf.layers.dense({ units: 3 }),
      ],
    });
    saved = await save(original);
  });

  it('round-trips a model saved by TF.js itself and predicts exactly like it', async () => {
    const model = await loadTfjsLayersModel(files(saved));
    try {
      expect(model.info.inputShape).toEqual([16, 16, 3]);
      expect(model.info.outputSize).toBe(3);
      expect(model.info.backend).toMatch(/^tfjs-/);
      const batch = 8;
      const input = new Float32Array(batch * 16 * 16 * 3).map((_, i) => Math.sin(i * 0.37) * 2);
      const got = await model.run(input, batch);
      const want = tf.tidy(() => (original.predict(tf.tensor4d(input, [batch, 16, 16, 3])) as tf.Tensor).dataSync());
      expect(Array.from(got)).toEqual(Array.from(want));
      // A batch of 8 equals 8 single runs.
      for (let i = 0; i < batch; i++) {
        const one = await model.run(input.subarray(i * 768, (i + 1) * 768), 1);
        expect(Array.from(one)).toEqual(Array.from(got.subarray(i * 3, i * 3 + 3)));
      }
      // The output depends on the input.
      const other = await model.run(new Float32Array(768), 1);
      expect(Array.from(other)).not.toEqual(Array.from(got.subarray(0, 3)));
    } finally {
      await model.dispose();
    }
  });

  it('accepts model.json in a folder with shard paths relative to it', async () => {
    const upload = files(saved);
    const nested = new Map([...upload].map(([k, v]) => [`agent/${k}`, v]));
    const model = await loadTfjsLayersModel(nested, { modelFile: 'agent/model.json' });
    expect(model.info.outputSize).toBe(3);
    await model.dispose();
  });

  it('accepts a functional model with a nested Sequential, Concatenate and Add', async () => {
    const input = tf.input({ shape: [6] });
    const inner = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [6], units: 4, activation: 'relu' }), tf.layers.dense({ units: 4 })],
    });
    const a = inner.apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, activation: 'elu' }).apply(input) as tf.SymbolicTensor;
    const sumAb = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([sumAb, input]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(joined) as tf.SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: out });
    const upload = files(await save(functional));
    const checked = validateTfjsLayersModel(upload);
    expect(checked.layerClasses).toEqual(
      expect.arrayContaining(['InputLayer', 'Sequential', 'Dense', 'Add', 'Concatenate']),
    );
    const model = await loadTfjsLayersModel(upload);
    try {
      expect(model.info.inputShape).toEqual([6]);
      expect(model.info.outputSize).toBe(2);
      const x = new Float32Array([0.5, -1, 2, 0, 1.5, -0.25, 1, 1, 1, -1, -1, -1]);
      const got = await model.run(x, 2);
      const want = tf.tidy(() => (functional.predict(tf.tensor2d(x, [2, 6])) as tf.Tensor).dataSync());
      expect(Array.from(got)).toEqual(Array.from(want));
    } finally {
      await model.dispose();
    }
  });

  it('refuses a Lambda layer', async () => {
    const err = await formatError(
      files(saved, (json) => {
        layersOf(json)[3].class_name = 'Lambda';
      }),
    );
    expect(err.field).toBe('modelTopology.config.layers[3].class_name');
    expect(err.got).toBe('"Lambda"');
    expect(err.hint).toMatch(/Lambda/);
  });

  it('refuses a disallowed layer inside a nested Sequential', () => {
    const upload = files(saved, (json) => {
      const layers = layersOf(json);
      const inner = structuredClone(layers[3]);
      inner.class_name = 'MyCustomDense';
      layers[3] = { class_name: 'Sequential', config: { name: 'inner', layers: [inner] } };
    });
    expect(() => validateTfjsLayersModel(upload)).toThrow(/layers\[3\]\.config\.layers\[0\]\.class_name/);
  });

  it('refuses custom initializers and unknown activations', () => {
    const custom = files(saved, (json) => {
      const config = layersOf(json)[3].config as Record<string, unknown>;
      config.kernel_initializer = { class_name: 'MyInit', config: {} };
    });
    expect(() => validateTfjsLayersModel(custom)).toThrow(AgentFormatError);
    const activation = files(saved, (json) => {
      (layersOf(json)[4].config as Record<string, unknown>).activation = 'my_activation';
    });
    expect(() => validateTfjsLayersModel(activation)).toThrow(/activation/);
  });

  it("refuses a shard path that leaves the upload ('../x.bin', absolute, URL)", async () => {
    for (const bad of ['../x.bin', '/etc/passwd', 'https://example.com/x.bin', 'a/../../x.bin']) {
      const upload = files(saved, (json) => {
        (json.weightsManifest as { paths: string[] }[])[0].paths[1] = bad;
      });
      const err = await formatError(upload);
      expect(err.field).toBe('weightsManifest.paths');
      expect(err.got).toBe(JSON.stringify(bad));
    }
  });

  it('refuses a missing shard', async () => {
    const upload = files(saved);
    upload.delete('group1-shard2of2.bin');
    const err = await formatError(upload);
    expect(err.got).toMatch(/no file group1-shard2of2\.bin/);
  });

  it('refuses shards whose size differs from the declared weights', async () => {
    const upload = files(saved);
    const shard = upload.get('group1-shard2of2.bin')!;
    upload.set('group1-shard2of2.bin', shard.subarray(0, shard.length - 4));
    const err = await formatError(upload);
    expect(err.field).toBe('weightsManifest[0].paths');
    expect(err.expected).toContain(String(saved.weightData.length));
    expect(err.got).toContain(String(saved.weightData.length - 4));
  });

  it('refuses a NaN weight', async () => {
    const err = await formatError(
      files(saved, (_json, weights) => {
        new DataView(weights.buffer, weights.byteOffset).setFloat32(4 * 5, Number.NaN, true);
      }),
    );
    expect(err.field).toMatch(/^weights\['.+'\]\[5\]$/);
    expect(err.got).toBe('NaN');
  });

  it('refuses non-float32 or quantized weights, a wrong format and a missing topology', async () => {
    const int32 = await formatError(
      files(saved, (json) => {
        (json.weightsManifest as { weights: { dtype: string }[] }[])[0].weights[0].dtype = 'int32';
      }),
    );
    expect(int32.field).toBe('weightsManifest[0].weights[0].dtype');
    const graph = await formatError(
      files(saved, (json) => {
        json.format = 'graph-model';
      }),
    );
    expect(graph.field).toBe('format');
    const noTopology = await formatError(
      files(saved, (json) => {
        delete json.modelTopology;
      }),
    );
    expect(noTopology.field).toBe('modelTopology');
    const notJson = files(saved);
    notJson.set('model.json', encoder.encode('{"format": '));
    expect((await formatError(notJson)).field).toBe('json');
  });

  it('wraps a topology TF.js cannot build as an AgentFormatError', async () => {
    // Dense units changed: the declared kernel no longer fits the layer.
    const err = await formatError(
      files(saved, (json) => {
        (layersOf(json)[4].config as Record<string, unknown>).units = 5;
      }),
    );
    expect(err.field).toBe('modelTopology');
  });
});
