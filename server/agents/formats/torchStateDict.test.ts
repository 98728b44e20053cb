import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../test/support/referenceData.ts';
import { AgentFormatError } from '../agentFormatError.ts';
import { readNpy } from './npyReader.ts';
import { PickleWriter } from './pickleWriter.testutil.ts';
import { readTorchStateDict, type TorchReadOptions } from './torchStateDict.ts';

const SEED = resolve(SHARED_DIR, 'seed-agents');
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(resolve(SEED, path)));

function formatError(bytes: Uint8Array, options: TorchReadOptions = {}): AgentFormatError {
  try {
    readTorchStateDict(bytes, { file: 'upload.pt', ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(AgentFormatError);
    return e as AgentFormatError;
  }
  throw new Error('expected an AgentFormatError');
}

/** Spec 2.7, in file order. */
const DQN_TENSORS: [string, number[]][] = [
  ['conv1.weight', [16, 1, 5, 5]],
  ['conv1.bias', [16]],
  ...bn('batch_norm1', 16),
  ['conv2.weight', [32, 16, 5, 5]],
  ['conv2.bias', [32]],
  ...bn('batch_norm2', 32),
  ['conv3.weight', [32, 32, 5, 5]],
  ['conv3.bias', [32]],
  ...bn('batch_norm3', 32),
  ['linear1.weight', [256, 1568]],
  ['linear1.bias', [256]],
  ['linear2.weight', [4, 256]],
  ['linear2.bias', [4]],
];

function bn(prefix: string, n: number): [string, number[]][] {
  return [
    ...['weight', 'bias', 'running_mean', 'running_var'].map((s): [string, number[]] => [`${prefix}.${s}`, [n]]),
    [`${prefix}.num_batches_tracked`, []],
  ];
}

/** A torch zip archive with stored entries under `prefix/`. */
function torchZip(pkl: Uint8Array, storages: Record<string, Float32Array>, prefix = 'archive'): Uint8Array {
  const files: Zippable = { [`${prefix}/data.pkl`]: pkl, [`${prefix}/version`]: new TextEncoder().encode('3\n') };
  for (const [key, data] of Object.entries(storages)) {
    files[`${prefix}/data/${key}`] = new Uint8Array(data.buffer);
  }
  return zipSync(files, { level: 0 });
}

/** `OrderedDict(name -> tensor)` pickle; each tensor on FloatStorage key `0`. */
function stateDictPickle(tensors: { name: string; numel: number; offset: number; size: number[]; stride: number[] }[]) {
  const w = new PickleWriter().proto(2).orderedDict().mark();
  for (const t of tensors) w.str(t.name).tensor('FloatStorage', '0', t.numel, t.offset, t.size, t.stride);
  return w.op(0x75).stop().bytes();
}

describe('readTorchStateDict on the seed files', () => {
  it('reads dqn.pt (legacy format) into the tensors of spec 2.7', () => {
    const sd = readTorchStateDict(read('sarenac-dqn/dqn.pt'), { file: 'dqn.pt' });
    expect([...sd.keys()]).toEqual(DQN_TENSORS.map(([name]) => name));
    for (const [name, shape] of DQN_TENSORS) {
      const t = sd.get(name)!;
      expect(t.shape, name).toEqual(shape);
      expect(t.offset).toBe(0);
      expect(t.dtype).toBe(name.endsWith('num_batches_tracked') ? 'int64' : 'float32');
      expect(t.data.length).toBe(shape.reduce((a, b) => a * b, 1));
    }
  });

  it('dqn.pt without num_batches_tracked, flattened in file order, is bit-identical to weights.f32.npy (spec 2.8)', () => {
    const sd = readTorchStateDict(read('sarenac-dqn/dqn.pt'));
    const parts = [...sd].filter(([name]) => !name.endsWith('num_batches_tracked')).map(([, t]) => t.data);
    const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      flat.set(p, at);
      at += p.length;
    }
    expect(flat.length).toBe(441_892);
    const npy = readNpy(read('sarenac-dqn/weights.f32.npy'), { expectedLength: 441_892 });
    expect(Buffer.from(flat.buffer).equals(Buffer.from(npy.data.buffer))).toBe(true);
    // Offsets of spec 2.8 as a spot check.
    expect(flat[39_200]).toBe(sd.get('linear1.weight')!.data[0]);
    expect(flat[441_888]).toBe(sd.get('linear2.bias')!.data[0]);
  });

  it('accepts the legacy A2C state_dict (spec 4.1)', () => {
    const sd = readTorchStateDict(read('fixtures/torch-legacy-state-dict_sarenac-a2c.pt'));
    expect(Object.fromEntries([...sd].map(([k, t]) => [k, t.shape]))).toEqual({
      'conv1.weight': [16, 5, 8, 8],
      'conv1.bias': [16],
      'conv2.weight': [32, 16, 3, 3],
      'conv2.bias': [32],
      'linear1.weight': [256, 2592],
      'linear1.bias': [256],
      'policy.weight': [4, 256],
      'policy.bias': [4],
      'value.weight': [1, 256],
      'value.bias': [1],
    });
  });

  it('accepts the torch-1.6 zip state_dict: 6 tensors, 743 floats (spec 8)', () => {
    const sd = readTorchStateDict(read('fixtures/torch-zip-state-dict_deepmlp-12-20-20-3.pt'));
    expect(Object.fromEntries([...sd].map(([k, t]) => [k, t.shape]))).toEqual({
      'linear_layers.0.weight': [20, 12],
      'linear_layers.0.bias': [20],
      'linear_layers.1.weight': [20, 20],
      'linear_layers.1.bias': [20],
      'linear_layers.2.weight': [3, 20],
      'linear_layers.2.bias': [3],
    });
    expect([...sd.values()].reduce((n, t) => n + t.data.length, 0)).toBe(743);
  });

  it('rejects the whole-module pickle, naming nn.conv.ConvNet and asking for model.state_dict()', () => {
    const e = formatError(read('fixtures/torch-whole-module_convnet_REJECT.pt'), { file: 'convnet.pt' });
    expect(e.file).toBe('convnet.pt');
    expect(e.field).toBe('pickle.global');
    expect(e.got).toContain('global nn.conv.ConvNet');
    expect(e.message).toContain('torch.save(model.state_dict(), path)');
  });
});

describe('readTorchStateDict on synthetic zip files', () => {
  it('honours storage offsets and strides, producing contiguous data', () => {
    const storage = Float32Array.from({ length: 12 }, (_, i) => i);
    const pkl = stateDictPickle([
      { name: 'transposed', numel: 12, offset: 1, size: [2, 3], stride: [1, 2] },
      { name: 'slice', numel: 12, offset: 4, size: [2, 2], stride: [4, 1] },
      { name: 'scalar', numel: 12, offset: 11, size: [], stride: [] },
    ]);
    const sd = readTorchStateDict(torchZip(pkl, { '0': storage }, 'model_v2'));
    expect([...sd.get('transposed')!.data]).toEqual([1, 3, 5, 2, 4, 6]);
    expect(sd.get('transposed')!.strides).toEqual([1, 2]);
    expect([...sd.get('slice')!.data]).toEqual([4, 5, 8, 9]);
    expect([...sd.get('scalar')!.data]).toEqual([11]);
  });

  it('rejects a view reaching outside its storage', () => {
    const pkl = stateDictPickle([{ name: 'w', numel: 4, offset: 2, size: [2, 2], stride: [2, 1] }]);
    const e = formatError(torchZip(pkl, { '0': new Float32Array(4) }));
    expect(e.field).toBe('state_dict["w"]');
    expect(e.expected).toBe('a view inside its storage of 4 elements');
  });

  it('rejects a zero-stride view that would expand a tiny storage to gigabytes, before allocating it', () => {
    const pkl = stateDictPickle([{ name: 'w', numel: 1, offset: 0, size: [1 << 30], stride: [0] }]);
    const e = formatError(torchZip(pkl, { '0': new Float32Array(1) }));
    expect(e.field).toBe('state_dict["w"]');
    expect(e.expected).toBe(`at most ${200 * 1024 * 1024} bytes of tensors in all`);
  });

  it('rejects a storage whose entry has the wrong length, and NaN weights', () => {
    const pkl = stateDictPickle([{ name: 'w', numel: 4, offset: 0, size: [4], stride: [1] }]);
    expect(formatError(torchZip(pkl, { '0': new Float32Array(3) })).expected).toBe('16 bytes in archive/data/0');
    const e = formatError(torchZip(pkl, { '0': Float32Array.from([1, 2, NaN, 4]) }));
    expect(e.got).toBe('NaN at element 2');
  });

  it('rejects storages other than float32/float64/int64, telling the user to save float32', () => {
    const w = new PickleWriter().proto(2).orderedDict().str('w').tensor('HalfStorage', '0', 2, 0, [2], [1]).op(0x73);
    const e = formatError(torchZip(w.stop().bytes(), { '0': new Float32Array(1) }));
    expect(e.field).toBe('storage 0');
    expect(e.got).toBe('HalfStorage');
    expect(e.message).toContain('model.float()');
  });

  it('rejects a training checkpoint that is not a flat state_dict', () => {
    const w = new PickleWriter().proto(2).op(0x7d).str('epoch').int(3).op(0x73).stop();
    const e = formatError(torchZip(w.bytes(), {}));
    expect(e.field).toBe('state_dict["epoch"]');
    expect(e.expected).toBe('a tensor under a string key');
  });

  it('rejects a pickle calling os.system inside the zip', () => {
    const w = new PickleWriter().proto(2).global('os', 'system').str('true').op(0x85).reduce().stop();
    const e = formatError(torchZip(w.bytes(), {}));
    expect(e.file).toBe('upload.pt:archive/data.pkl');
    expect(e.got).toContain('global os.system');
  });

  it.each(['archive/../../etc/passwd', '/archive/data.pkl', 'archive/./x', 'archive\\..\\x', 'C:/archive/x'])(
    'rejects path traversal: %s',
    (name) => {
      const zip = zipSync({ 'archive/data.pkl': new Uint8Array([0x80, 2, 0x4e, 0x2e]), [name]: new Uint8Array(1) });
      const e = formatError(zip);
      expect(e.field).toBe('zip.entry');
      expect(e.got).toBe(JSON.stringify(name));
    },
  );

  it('rejects a zip-bomb-like entry by its compression ratio before inflating it', () => {
    const zip = zipSync({ 'archive/data.pkl': new Uint8Array(4 << 20) }, { level: 9 });
    const e = formatError(zip);
    expect(e.field).toBe('zip.entry');
    expect(e.expected).toBe('a compression ratio of at most 100');
  });

  it('rejects an entry declaring 3 GB uncompressed, from the central directory, before inflating it', () => {
    const zip = zipSync({ 'archive/data.pkl': new Uint8Array([0x80, 2, 0x4e, 0x2e]) }, { level: 0 });
    const view = new DataView(zip.buffer);
    let cd = zip.length - 22;
    while (view.getUint32(cd, true) !== 0x02014b50) cd--;
    view.setUint32(cd + 24, 3_000_000_000, true);
    const e = formatError(zip);
    expect(e.field).toBe('zip.entry');
    expect(e.got).toBe('3000000000 bytes declared for archive/data.pkl');
  });

  it('rejects too many entries, a total above the limit, a missing data.pkl, and a file that is no torch file', () => {
    const many: Zippable = {};
    for (let i = 0; i < 20; i++) many[`archive/data/${i}`] = new Uint8Array(4);
    expect(formatError(zipSync(many), { maxZipEntries: 10 }).field).toBe('zip.entries');
    expect(formatError(zipSync(many, { level: 0 }), { maxBytes: 40 }).field).toBe('zip.size');
    expect(formatError(zipSync(many, { level: 0 })).expected).toBe('archive/data.pkl');
    expect(formatError(new TextEncoder().encode('import os')).field).toBe('format');
  });
});

describe('readTorchStateDict on damaged legacy files', () => {
  it('rejects a truncated dqn.pt', () => {
    const bytes = read('sarenac-dqn/dqn.pt');
    const e = formatError(bytes.subarray(0, bytes.length - 1000));
    expect(e.field).toBe('legacy.storage');
    expect(e.got).toContain('truncated');
  });

  it('rejects trailing bytes after the last storage', () => {
    const bytes = read('sarenac-dqn/dqn.pt');
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(formatError(longer).got).toBe('4 more bytes');
  });
});
