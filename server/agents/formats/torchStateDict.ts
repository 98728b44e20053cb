/**
 * Reads a PyTorch `state_dict` file, legacy (torch < 1.6, agents.md §6.2) or zip (§6.3), through
 * the restricted pickle reader (§6.4), into contiguous float32 tensors. Whole-module pickles,
 * unknown globals, views outside their storage, path traversal and oversized zip entries are all
 * refused with an AgentFormatError.
 */
import { unzipSync } from 'fflate';
import { AgentFormatError } from '../agentFormatError.ts';
import {
  PyDict,
  describe,
  isTensorRef,
  readPickle,
  type PickleValue,
  type StorageRef,
  type TensorRef,
  type TorchStorageType,
} from './pickleReader.ts';

export type TorchDtype = 'float32' | 'float64' | 'int64';

export interface TorchTensor {
  /** dtype of the storage in the file; `data` is float32 whatever it was. */
  dtype: TorchDtype;
  shape: number[];
  /** Strides and offset as stored in the file (elements); `data` itself is contiguous C order. */
  strides: number[];
  offset: number;
  data: Float32Array;
}

export interface TorchReadOptions {
  file?: string;
  /** Most tensors in one state_dict; default 1000. */
  maxTensors?: number;
  /** Largest total of storage bytes, and of one zip entry; default 200 MiB. */
  maxBytes?: number;
  /** Most zip entries; default maxTensors + 16. */
  maxZipEntries?: number;
  /** Largest uncompressed/compressed ratio of a deflated zip entry; default 100. */
  maxCompressionRatio?: number;
}

const STATE_DICT_HINT =
  'Only a state_dict can be read safely, not a whole model saved with torch.save(model): ' +
  'save the weights with torch.save(model.state_dict(), path) and upload that file (or export the model to ONNX).';

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

const STORAGE_DTYPES: Partial<Record<TorchStorageType, { dtype: TorchDtype; size: number }>> = {
  FloatStorage: { dtype: 'float32', size: 4 },
  DoubleStorage: { dtype: 'float64', size: 8 },
  LongStorage: { dtype: 'int64', size: 8 },
};

/** Reads a `.pt`/`.pth` state_dict, telling the legacy and the zip format apart by their first bytes. */
export function readTorchStateDict(bytes: Uint8Array, options: TorchReadOptions = {}): Map<string, TorchTensor> {
  const file = options.file ?? 'model.pt';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return readZipStateDict(bytes, options);
  }
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] === 0x02) return readLegacyStateDict(bytes, options);
  throw new AgentFormatError({
    file,
    field: 'format',
    expected: 'a PyTorch file (a zip archive, or a legacy file starting with a protocol-2 pickle)',
    got: `first bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
  });
}

/** The legacy format: magic, protocol, sys_info, the object, the storage keys, then the raw storages. */
export function readLegacyStateDict(bytes: Uint8Array, options: TorchReadOptions = {}): Map<string, TorchTensor> {
  const file = options.file ?? 'model.pt';
  const fail = (field: string, expected: string, got: string): never => {
    throw new AgentFormatError({ file, field, expected, got });
  };
  let offset = 0;
  const next = (): PickleValue => {
    const r = readPickle(bytes, { file, offset });
    offset = r.end;
    return r.value;
  };
  const magic = withHint(next);
  if (magic !== LEGACY_MAGIC) fail('legacy.magic', `0x${LEGACY_MAGIC.toString(16)}`, describe(magic));
  const protocol = next();
  if (protocol !== LEGACY_PROTOCOL) fail('legacy.protocol', String(LEGACY_PROTOCOL), describe(protocol));
  const sysInfo = next();
  if (!(sysInfo instanceof PyDict) || sysInfo.entries.get('little_endian') !== true) {
    fail('legacy.sys_info', 'a dict with little_endian True', describe(sysInfo));
  }
  const root = withHint(next);
  const refs = stateDictEntries(root, file, options);
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((k): k is string => typeof k === 'string')) {
    return fail('legacy.storage_keys', 'a list of storage keys', describe(keys));
  }

  const referenced = referencedStorages(refs);
  const maxBytes = options.maxBytes ?? 200 * 1024 * 1024;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, Uint8Array>();
  let total = 0;
  for (const key of keys) {
    const ref = referenced.get(key);
    if (ref === undefined) fail('legacy.storage_keys', 'only keys of storages the tensors use', `key ${key}`);
    if (storages.has(key)) fail('legacy.storage_keys', 'distinct keys', `key ${key} twice`);
    if (offset + 8 > bytes.length) fail('legacy.storage', `the size of storage ${key}`, 'end of file (truncated)');
    const count = view.getBigInt64(offset, true);
    offset += 8;
    const elementSize = storageDtype(ref!, file).size;
    if (count !== BigInt(ref!.numel)) {
      fail('legacy.storage', `${ref!.numel} elements in storage ${key}`, `${count}`);
    }
    const length = ref!.numel * elementSize;
    total += length;
    if (total > maxBytes) fail('legacy.storage', `at most ${maxBytes} storage bytes`, `${total} or more`);
    if (offset + length > bytes.length) {
      fail('legacy.storage', `${length} bytes of storage ${key}`, `${bytes.length - offset} (truncated file)`);
    }
    storages.set(key, bytes.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== bytes.length)
    fail('legacy.storage', 'the end of the file after the last storage', `${bytes.length - offset} more bytes`);
  for (const key of referenced.keys()) {
    if (!storages.has(key)) fail('legacy.storage_keys', `storage ${key} that a tensor uses`, 'no such key');
  }
  return materialise(refs, storages, file, maxBytes);
}

/** The zip format: `<prefix>/data.pkl` plus one `<prefix>/data/<key>` entry per storage. */
export function readZipStateDict(bytes: Uint8Array, options: TorchReadOptions = {}): Map<string, TorchTensor> {
  const file = options.file ?? 'model.pt';
  const maxTensors = options.maxTensors ?? 1000;
  const maxBytes = options.maxBytes ?? 200 * 1024 * 1024;
  const maxEntries = options.maxZipEntries ?? maxTensors + 16;
  const maxRatio = options.maxCompressionRatio ?? 100;
  const fail = (field: string, expected: string, got: string): never => {
    throw new AgentFormatError({ file, field, expected, got });
  };

  let entries = 0;
  let total = 0;
  let prefix: string | undefined;
  const declared = new Map<string, number>();
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (entry) => {
        const name = entry.name;
        entries++;
        if (entries > maxEntries) fail('zip.entries', `at most ${maxEntries} entries`, 'more');
        if (!isSafeEntryName(name)) fail('zip.entry', 'a relative entry name without ".."', JSON.stringify(name));
        const top = name.split('/')[0];
        prefix ??= top;
        if (top !== prefix || !name.includes('/')) {
          fail('zip.entry', `every entry under "${prefix}/"`, JSON.stringify(name));
        }
        if (entry.compression !== 0 && entry.compression !== 8) {
          fail('zip.entry', 'stored or deflated entries', `compression method ${entry.compression} for ${name}`);
        }
        if (entry.originalSize > maxBytes) {
          fail(
            'zip.entry',
            `at most ${maxBytes} bytes uncompressed`,
            `${entry.originalSize} bytes declared for ${name}`,
          );
        }
        if (entry.compression === 8 && entry.originalSize > 1024 && entry.originalSize > maxRatio * entry.size) {
          fail(
            'zip.entry',
            `a compression ratio of at most ${maxRatio}`,
            `${entry.originalSize} / ${entry.size} for ${name}`,
          );
        }
        total += entry.originalSize;
        if (total > maxBytes) fail('zip.size', `at most ${maxBytes} bytes uncompressed in all`, `${total} or more`);
        if (declared.has(name)) fail('zip.entry', 'distinct entry names', `${name} twice`);
        declared.set(name, entry.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof AgentFormatError) throw e;
    return fail('zip', 'a readable zip archive', e instanceof Error ? e.message : String(e));
  }
  for (const [name, data] of Object.entries(files)) {
    if (data.length !== declared.get(name)) {
      fail('zip.entry', `${declared.get(name)} bytes for ${name} as declared`, `${data.length} bytes`);
    }
  }
  if (prefix === undefined) return fail('zip', 'a PyTorch archive', 'an empty zip');
  const byteorder = files[`${prefix}/byteorder`];
  if (byteorder !== undefined && new TextDecoder().decode(byteorder).trim() !== 'little') {
    fail('zip.byteorder', 'little', JSON.stringify(new TextDecoder().decode(byteorder.subarray(0, 16))));
  }
  const pkl = files[`${prefix}/data.pkl`];
  if (pkl === undefined) return fail('zip.entry', `${prefix}/data.pkl`, 'no such entry');
  const root = withHint(() => {
    const r = readPickle(pkl, { file: `${file}:${prefix}/data.pkl` });
    if (r.end !== pkl.length) fail('pickle', 'nothing after STOP', `${pkl.length - r.end} more bytes`);
    return r.value;
  });
  const refs = stateDictEntries(root, file, options);
  const storages = new Map<string, Uint8Array>();
  for (const [key, ref] of referencedStorages(refs)) {
    const data = files[`${prefix}/data/${key}`];
    if (data === undefined) fail('zip.entry', `${prefix}/data/${key}`, 'no such entry');
    const length = ref.numel * storageDtype(ref, file).size;
    if (data!.length !== length) fail('zip.entry', `${length} bytes in ${prefix}/data/${key}`, `${data!.length}`);
    storages.set(key, data!);
  }
  return materialise(refs, storages, file, maxBytes);
}

function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.length > 256) return false;
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[a-zA-Z]:/.test(name)) return false;
  return !name.split('/').some((part) => part === '..' || part === '.');
}

/** Adds the "save the state_dict" hint to refusals that mean "this is not a state_dict". */
function withHint<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof AgentFormatError && e.hint === undefined && e.field.startsWith('pickle.')) {
      throw new AgentFormatError(
        { file: e.file, field: e.field, expected: e.expected, got: e.got, hint: STATE_DICT_HINT },
        { cause: e },
      );
    }
    throw e;
  }
}

function stateDictEntries(root: PickleValue, file: string, options: TorchReadOptions): Map<string, TensorRef> {
  if (!(root instanceof PyDict)) {
    throw new AgentFormatError({
      file,
      field: 'state_dict',
      expected: 'an OrderedDict of tensors (a state_dict)',
      got: describe(root),
      hint: STATE_DICT_HINT,
    });
  }
  const maxTensors = options.maxTensors ?? 1000;
  if (root.entries.size > maxTensors) {
    throw new AgentFormatError({
      file,
      field: 'state_dict',
      expected: `at most ${maxTensors} tensors`,
      got: `${root.entries.size}`,
    });
  }
  const out = new Map<string, TensorRef>();
  for (const [name, value] of root.entries) {
    if (typeof name !== 'string' || !isTensorRef(value)) {
      throw new AgentFormatError({
        file,
        field: `state_dict[${describe(name)}]`,
        expected: 'a tensor under a string key',
        got: describe(value),
        hint: 'A training checkpoint ({"model": ..., "optimizer": ...}) must be reduced to model.state_dict() first.',
      });
    }
    out.set(name, value);
  }
  return out;
}

function referencedStorages(refs: Map<string, TensorRef>): Map<string, StorageRef> {
  const out = new Map<string, StorageRef>();
  for (const t of refs.values()) out.set(t.storage.key, t.storage);
  return out;
}

function storageDtype(ref: StorageRef, file: string): { dtype: TorchDtype; size: number } {
  const d = STORAGE_DTYPES[ref.storageType];
  if (d === undefined) {
    throw new AgentFormatError({
      file,
      field: `storage ${ref.key}`,
      expected: 'FloatStorage (float32), DoubleStorage or LongStorage',
      got: ref.storageType,
      hint: 'Convert the model to float32 (model.float()) before saving.',
    });
  }
  return d;
}

function materialise(
  refs: Map<string, TensorRef>,
  storages: Map<string, Uint8Array>,
  file: string,
  maxBytes: number,
): Map<string, TorchTensor> {
  // Zero strides can make a view far larger than its storage: bound what is allocated in all.
  let outputBytes = 0;
  const decoded = new Map<string, Float32Array>();
  const out = new Map<string, TorchTensor>();
  for (const [name, t] of refs) {
    const { dtype } = storageDtype(t.storage, file);
    let src = decoded.get(t.storage.key);
    if (src === undefined) {
      src = decodeStorage(storages.get(t.storage.key)!, dtype, t.storage.numel);
      decoded.set(t.storage.key, src);
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    outputBytes += count * 4;
    if (outputBytes > maxBytes) {
      throw new AgentFormatError({
        file,
        field: `state_dict[${JSON.stringify(name)}]`,
        expected: `at most ${maxBytes} bytes of tensors in all`,
        got: `${outputBytes} bytes with size (${t.shape.join(', ')})`,
      });
    }
    let last = t.offset;
    if (count > 0) for (let i = 0; i < t.shape.length; i++) last += (t.shape[i] - 1) * t.strides[i];
    if (count > 0 && last >= t.storage.numel) {
      throw new AgentFormatError({
        file,
        field: `state_dict[${JSON.stringify(name)}]`,
        expected: `a view inside its storage of ${t.storage.numel} elements`,
        got: `offset ${t.offset}, size (${t.shape.join(', ')}), stride (${t.strides.join(', ')}) reaching element ${last}`,
      });
    }
    const data = new Float32Array(count);
    if (isContiguous(t.shape, t.strides)) {
      data.set(src.subarray(t.offset, t.offset + count));
    } else {
      stridedCopy(src, data, t);
    }
    if (dtype !== 'int64') {
      for (let i = 0; i < count; i++) {
        if (!Number.isFinite(data[i])) {
          throw new AgentFormatError({
            file,
            field: `state_dict[${JSON.stringify(name)}]`,
            expected: 'finite values',
            got: `${data[i]} at element ${i}`,
          });
        }
      }
    }
    out.set(name, { dtype, shape: [...t.shape], strides: [...t.strides], offset: t.offset, data });
  }
  return out;
}

function decodeStorage(bytes: Uint8Array, dtype: TorchDtype, numel: number): Float32Array {
  const out = new Float32Array(numel);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'float32') for (let i = 0; i < numel; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'float64') for (let i = 0; i < numel; i++) out[i] = view.getFloat64(i * 8, true);
  else for (let i = 0; i < numel; i++) out[i] = Number(view.getBigInt64(i * 8, true));
  return out;
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

function stridedCopy(src: Float32Array, dst: Float32Array, t: TensorRef): void {
  const rank = t.shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = t.offset;
  for (let n = 0; n < dst.length; n++) {
    dst[n] = src[at];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      at += t.strides[d];
      if (index[d] < t.shape[d]) break;
      at -= t.strides[d] * t.shape[d];
      index[d] = 0;
    }
  }
}
