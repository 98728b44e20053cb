/**
 * TF.js LayersModel uploads (agents.md §6.6): `model.json` (topology + weightsManifest) and its
 * `.bin` shards, already unzipped. Everything is validated before TF.js sees it: the format, a
 * layer-class allowlist (nested Sequential/Functional models included), no custom objects,
 * shard paths inside the upload, shard sizes equal to the declared float32 weights, finite
 * weights. Then the model is built from memory (tf.io.fromMemory, never a URL) and wrapped as a
 * PolicyModel: one NHWC input (Keras layout), one [N, K] output.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Logger } from '../../log.ts';
import { AgentFormatError } from '../agentFormatError.ts';
import { getTfjs } from '../backends/tfjsRuntime.ts';
import { runSamples, type PolicyModel, type PolicyModelInfo } from '../runtime/policyModel.ts';

/** Layer classes an uploaded LayersModel may use: no Lambda, no custom layers, no recurrence. */
export const TFJS_LAYER_ALLOWLIST: readonly string[] = [
  'InputLayer',
  'Conv2D',
  'Dense',
  'Flatten',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'Activation',
  'ReLU',
  'Dropout',
  'BatchNormalization',
  'Reshape',
  'Permute',
  'Concatenate',
  'Add',
  'ZeroPadding2D',
  'Cropping2D',
  'Rescaling', // kept only when the installed TF.js registers it (see allowedLayerClasses)
  'LeakyReLU',
  'ELU',
  'Softmax',
];

/** Model classes that may appear as the root or as a nested layer. */
const MODEL_CLASSES = ['Sequential', 'Model', 'Functional'];

/** Initializers, regularizers and constraints a layer config may name (all built into TF.js). */
const CONFIG_OBJECT_ALLOWLIST = new Set([
  'Zeros',
  'Ones',
  'Constant',
  'RandomUniform',
  'RandomNormal',
  'TruncatedNormal',
  'Identity',
  'VarianceScaling',
  'GlorotUniform',
  'GlorotNormal',
  'HeNormal',
  'HeUniform',
  'LeCunNormal',
  'LeCunUniform',
  'Orthogonal',
  'L1L2',
  'L1',
  'L2',
  'MaxNorm',
  'UnitNorm',
  'NonNeg',
  'MinMaxNorm',
]);

/** Activation names TF.js implements (Keras snake_case and TF.js camelCase spellings). */
const ACTIVATION_ALLOWLIST = new Set([
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'hardSigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'logSoftmax',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
]);

export interface TfjsLayersModelOptions {
  /** Name of the topology file inside `files`; default `model.json`. Shard paths are relative to it. */
  modelFile?: string;
  /** Largest model.json in bytes; default 4 MiB. */
  maxModelJsonBytes?: number;
  /** Largest total of weight bytes; default 64 MiB. */
  maxWeightBytes?: number;
  /** Most layers, nested ones included; default 500. */
  maxLayers?: number;
  logger?: Logger;
}

/** The checked content of an upload, ready for tf.io.fromMemory. */
export interface ValidatedLayersModel {
  modelTopology: Record<string, unknown>;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: ArrayBuffer;
  /** Layer classes found, nested ones included, in order of appearance. */
  layerClasses: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Resolves a manifest path against the directory of model.json, refusing anything that leaves it. */
function resolveShardPath(modelFile: string, path: unknown, fail: (field: string, exp: string, got: string) => never) {
  const field = 'weightsManifest.paths';
  if (typeof path !== 'string' || path.length === 0 || path.length > 256) {
    return fail(field, 'a relative file name', describeValue(path));
  }
  if (
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) ||
    path.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')
  ) {
    return fail(field, 'a relative path inside the upload (no "..", no absolute path, no URL)', JSON.stringify(path));
  }
  const slash = modelFile.lastIndexOf('/');
  return slash < 0 ? path : `${modelFile.slice(0, slash + 1)}${path}`;
}

/** Layer classes allowed with the installed TF.js (Rescaling only if it is registered). */
function allowedLayerClasses(registered: ReadonlySet<string>): Set<string> {
  return new Set(TFJS_LAYER_ALLOWLIST.filter((c) => c !== 'Rescaling' || registered.has('Rescaling')));
}

/**
 * Checks model.json and the shards without TF.js deserialising anything. `registered` is the set
 * of class names the installed TF.js knows (only used to decide whether Rescaling is allowed).
 */
export function validateTfjsLayersModel(
  files: ReadonlyMap<string, Uint8Array>,
  options: TfjsLayersModelOptions = {},
  registered: ReadonlySet<string> = new Set(),
): ValidatedLayersModel {
  const modelFile = options.modelFile ?? 'model.json';
  const fail = (field: string, expected: string, got: string, hint?: string): never => {
    throw new AgentFormatError({ file: modelFile, field, expected, got, ...(hint === undefined ? {} : { hint }) });
  };

  const jsonBytes = files.get(modelFile);
  if (jsonBytes === undefined) {
    return fail('file', `a ${modelFile} in the upload`, `only ${[...files.keys()].join(', ') || 'no files'}`);
  }
  const maxJson = options.maxModelJsonBytes ?? 4 * 1024 * 1024;
  if (jsonBytes.length > maxJson) fail('file', `at most ${maxJson} bytes`, `${jsonBytes.length} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (err) {
    return fail('json', 'valid UTF-8 JSON', err instanceof Error ? err.message : String(err));
  }
  if (!isObject(doc)) return fail('json', 'a JSON object', describeValue(doc));
  if (doc.format !== 'layers-model') {
    fail(
      'format',
      '"layers-model"',
      describeValue(doc.format),
      'Convert Keras models with tensorflowjs_converter --output_format tfjs_layers_model; graph models are not accepted.',
    );
  }
  const topology = doc.modelTopology;
  if (!isObject(topology)) return fail('modelTopology', 'an object', describeValue(topology));
  const modelConfig = isObject(topology.model_config) ? topology.model_config : topology;

  // --- layers: allowlist, recursively through nested models ---
  const allowed = allowedLayerClasses(registered);
  const maxLayers = options.maxLayers ?? 500;
  const layerClasses: string[] = [];
  const checkConfigObjects = (value: Json, where: string, depth: number): void => {
    if (depth > 32) fail(where, 'a config nested at most 32 levels', 'a deeper config');
    if (Array.isArray(value)) {
      value.forEach((v, i) => checkConfigObjects(v, `${where}[${i}]`, depth + 1));
      return;
    }
    if (!isObject(value)) return;
    if ('class_name' in value) {
      const cls = value.class_name;
      if (typeof cls !== 'string' || !CONFIG_OBJECT_ALLOWLIST.has(cls)) {
        fail(
          `${where}.class_name`,
          'a built-in initializer, regularizer or constraint',
          describeValue(cls),
          'Custom objects are not accepted.',
        );
      }
    }
    if (typeof value.registered_name === 'string' && value.registered_name !== value.class_name) {
      fail(
        `${where}.registered_name`,
        'no custom objects',
        describeValue(value.registered_name),
        'Custom objects are not accepted.',
      );
    }
    if (typeof value.module === 'string' && !/^(keras|tensorflow|tf)(\.|$)/.test(value.module)) {
      fail(
        `${where}.module`,
        'a built-in Keras module',
        describeValue(value.module),
        'Custom objects are not accepted.',
      );
    }
    for (const key of ['function', 'function_type', 'output_shape_type']) {
      if (key in value) fail(`${where}.${key}`, 'no serialised functions', describeValue(value[key]));
    }
    for (const [k, v] of Object.entries(value)) {
      if (k === 'activation' && typeof v === 'string' && !ACTIVATION_ALLOWLIST.has(v)) {
        fail(
          `${where}.activation`,
          `a built-in activation (${[...ACTIVATION_ALLOWLIST].join(', ')})`,
          JSON.stringify(v),
        );
      }
      if (k !== 'class_name') checkConfigObjects(v, `${where}.${k}`, depth + 1);
    }
  };
  const walkModel = (model: Record<string, Json>, where: string, depth: number): void => {
    if (depth > 8) fail(where, 'models nested at most 8 deep', 'deeper nesting');
    const cls = model.class_name;
    if (typeof cls !== 'string' || !MODEL_CLASSES.includes(cls)) {
      fail(`${where}.class_name`, MODEL_CLASSES.join(' or '), describeValue(cls));
    }
    const config = model.config;
    // Old Sequential configs are the layer array itself.
    const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(layers) || layers.length === 0)
      fail(`${where}.config.layers`, 'a non-empty array', describeValue(layers));
    (layers as Json[]).forEach((layer, i) => {
      const at = `${where}.config.layers[${i}]`;
      if (!isObject(layer)) return fail(at, 'a layer object', describeValue(layer));
      const layerClass = layer.class_name;
      if (layerClasses.length >= maxLayers) fail(at, `at most ${maxLayers} layers`, 'more');
      if (typeof layerClass === 'string' && MODEL_CLASSES.includes(layerClass)) {
        layerClasses.push(layerClass);
        walkModel(layer, at, depth + 1);
        return;
      }
      if (typeof layerClass !== 'string' || !allowed.has(layerClass)) {
        fail(
          `${at}.class_name`,
          `one of ${[...allowed, ...MODEL_CLASSES].join(', ')}`,
          describeValue(layerClass),
          layerClass === 'Lambda'
            ? 'Lambda layers hold code and are never accepted; rebuild the model from built-in layers or export it to ONNX.'
            : 'Custom and unsupported layers are not accepted; export the model to ONNX instead.',
        );
      }
      layerClasses.push(layerClass as string);
      const layerConfig = layer.config;
      if (!isObject(layerConfig)) return fail(`${at}.config`, 'an object', describeValue(layerConfig));
      checkConfigObjects(layerConfig, `${at}.config`, 0);
    });
  };
  walkModel(modelConfig, 'modelTopology', 0);

  // --- weights manifest: paths inside the upload, float32 only, sizes that add up ---
  const manifest = doc.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    return fail('weightsManifest', 'a non-empty array of weight groups', describeValue(manifest));
  }
  const maxWeightBytes = options.maxWeightBytes ?? 64 * 1024 * 1024;
  const weightSpecs: ValidatedLayersModel['weightSpecs'] = [];
  const shards: Uint8Array[] = [];
  const usedPaths = new Set<string>();
  let declaredTotal = 0;
  let shardTotal = 0;
  manifest.forEach((group, g) => {
    const at = `weightsManifest[${g}]`;
    if (!isObject(group)) return fail(at, 'an object {paths, weights}', describeValue(group));
    const { paths, weights } = group;
    if (!Array.isArray(paths) || paths.length === 0)
      return fail(`${at}.paths`, 'a non-empty array', describeValue(paths));
    if (!Array.isArray(weights)) return fail(`${at}.weights`, 'an array', describeValue(weights));
    let groupDeclared = 0;
    weights.forEach((w, i) => {
      const wAt = `${at}.weights[${i}]`;
      if (!isObject(w)) return fail(wAt, 'an object {name, shape, dtype}', describeValue(w));
      if (typeof w.name !== 'string' || w.name.length === 0) fail(`${wAt}.name`, 'a name', describeValue(w.name));
      if (w.dtype !== 'float32') fail(`${wAt}.dtype`, '"float32"', describeValue(w.dtype));
      if (w.quantization !== undefined && w.quantization !== null) {
        fail(`${wAt}.quantization`, 'no quantization', describeValue(w.quantization));
      }
      const shape = w.shape;
      if (
        !Array.isArray(shape) ||
        shape.length > 8 ||
        !shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
      ) {
        return fail(`${wAt}.shape`, 'up to 8 non-negative integers', describeValue(shape));
      }
      const bytes = shape.reduce((a, d) => a * d, 1) * 4;
      groupDeclared += bytes;
      if (declaredTotal + groupDeclared > maxWeightBytes) {
        fail(`${wAt}.shape`, `at most ${maxWeightBytes} weight bytes in all`, `more (at weight ${String(w.name)})`);
      }
      weightSpecs.push({ name: w.name as string, shape: [...shape], dtype: 'float32' });
    });
    let groupBytes = 0;
    for (const p of paths) {
      const resolved = resolveShardPath(modelFile, p, fail);
      if (usedPaths.has(resolved)) fail(`${at}.paths`, 'each shard listed once', JSON.stringify(p));
      usedPaths.add(resolved);
      const shard = files.get(resolved);
      if (shard === undefined) {
        return fail(`${at}.paths`, `the shard ${JSON.stringify(p)} in the upload`, `no file ${resolved}`);
      }
      shards.push(shard);
      groupBytes += shard.length;
    }
    if (groupBytes !== groupDeclared) {
      fail(
        `${at}.paths`,
        `${groupDeclared} shard bytes (the float32 weights the group declares)`,
        `${groupBytes} bytes in ${paths.length} shard(s)`,
      );
    }
    declaredTotal += groupDeclared;
    shardTotal += groupBytes;
  });
  if (shardTotal !== declaredTotal) {
    fail('weightsManifest', `${declaredTotal} shard bytes in all`, `${shardTotal}`);
  }

  const weightData = new ArrayBuffer(shardTotal);
  const all = new Uint8Array(weightData);
  let o = 0;
  for (const s of shards) {
    all.set(s, o);
    o += s.length;
  }
  const values = new DataView(weightData);
  let index = 0;
  for (const spec of weightSpecs) {
    const count = spec.shape.reduce((a, d) => a * d, 1);
    for (let i = 0; i < count; i++, index++) {
      const v = values.getFloat32(index * 4, true);
      if (!Number.isFinite(v)) fail(`weights['${spec.name}'][${i}]`, 'a finite float32', String(v));
    }
  }
  return { modelTopology: topology as Record<string, unknown>, weightSpecs, weightData, layerClasses };
}

/** Validates, loads from memory and wraps a TF.js LayersModel upload as a PolicyModel. */
export async function loadTfjsLayersModel(
  files: ReadonlyMap<string, Uint8Array>,
  options: TfjsLayersModelOptions = {},
): Promise<PolicyModel> {
  const modelFile = options.modelFile ?? 'model.json';
  const { tf, backend } = await getTfjs(options.logger);
  const registered = new Set(Object.keys(tf.serialization.SerializationMap.getMap().classNameMap));
  const checked = validateTfjsLayersModel(files, options, registered);
  const fail = (field: string, expected: string, got: string): never => {
    throw new AgentFormatError({ file: modelFile, field, expected, got });
  };

  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: checked.modelTopology,
        weightSpecs: checked.weightSpecs,
        weightData: checked.weightData,
      }),
      { strict: true },
    );
  } catch (err) {
    return fail(
      'modelTopology',
      'a LayersModel TF.js can build with exactly the weights listed',
      err instanceof Error ? err.message.split('\n')[0] : String(err),
    );
  }

  try {
    if (model.inputs.length !== 1) fail('modelTopology.inputs', 'exactly one input', `${model.inputs.length}`);
    if (model.outputs.length !== 1) fail('modelTopology.outputs', 'exactly one output', `${model.outputs.length}`);
    const inShape = model.inputs[0].shape;
    const outShape = model.outputs[0].shape;
    const sample = inShape.slice(1);
    if (sample.length === 0 || sample.some((d) => d === null || d < 1)) {
      fail('modelTopology.inputs[0].shape', 'a fixed shape after the batch axis', `[${inShape.join(', ')}]`);
    }
    if (outShape.length !== 2 || outShape[1] === null || outShape[1] < 1) {
      fail('modelTopology.outputs[0].shape', '[batch, K]', `[${outShape.join(', ')}]`);
    }
    if (inShape[0] !== null && inShape[0] !== 1) {
      fail('modelTopology.inputs[0].shape', 'batch axis null or 1', `[${inShape.join(', ')}]`);
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const outputSize = model.outputs[0].shape[1] as number;
  const fixedBatchOne = model.inputs[0].shape[0] === 1;
  const sampleSize = inputShape.reduce((a, d) => a * d, 1);
  const info: PolicyModelInfo = {
    inputShape,
    outputSize,
    backend,
    inputName: model.inputs[0].name,
    outputName: model.outputs[0].name,
  };
  options.logger?.info(
    { file: modelFile, backend, inputShape, outputSize, layers: checked.layerClasses.length },
    'TF.js LayersModel loaded',
  );

  const predict = async (data: Float32Array, batch: number): Promise<Float32Array> => {
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor(data.slice(), [batch, ...inputShape], 'float32'));
      if (Array.isArray(y)) throw new Error('LayersModel returned several outputs');
      return y as Tensor;
    });
    try {
      const values = await out.data();
      if (!(values instanceof Float32Array) || values.length !== batch * outputSize) {
        throw new Error(`LayersModel returned ${values.length} values, expected ${batch} x ${outputSize}`);
      }
      return values;
    } finally {
      out.dispose();
    }
  };

  let disposed = false;
  return {
    info,
    async run(input: Float32Array, batch: number): Promise<Float32Array> {
      if (disposed) throw new Error('the TF.js LayersModel was disposed');
      return runSamples(predict, input, batch, { sampleSize, outputSize, fixedBatchOne });
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
