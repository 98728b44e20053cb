/**
 * A restricted pickle interpreter for PyTorch `state_dict` files (agents.md §6.4). It executes
 * nothing: it walks the opcodes a state_dict uses and builds plain values, dicts and tensor
 * descriptors. Any other opcode, any global outside a small allow-list and any call other than
 * `OrderedDict()`, `_rebuild_tensor_v2(...)` and `_rebuild_parameter(...)` is refused.
 */
import { AgentFormatError } from '../agentFormatError.ts';

/** A Python tuple (kept apart from lists so that shapes and argument lists are recognisable). */
export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

export type PyKey = string | number | bigint | boolean | null;

/** A `dict` or `collections.OrderedDict`, insertion ordered. */
export class PyDict {
  readonly entries = new Map<PyKey, PickleValue>();
  /** The BUILD state of an OrderedDict (`{'_metadata': ...}`), kept for the record. */
  state: PyDict | undefined;
  constructor(readonly ordered: boolean) {}
}

/** An allow-listed global before it is called. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A storage referenced by a persistent id; its bytes live outside the pickle. */
export interface StorageRef {
  readonly kind: 'storage';
  /** `FloatStorage`, `LongStorage` ... */
  readonly storageType: TorchStorageType;
  readonly key: string;
  readonly location: string;
  /** Element count. */
  readonly numel: number;
}

/** A tensor as `_rebuild_tensor_v2` describes it: a view on a storage. */
export interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly requiresGrad: boolean;
}

export type PickleValue =
  null | boolean | number | bigint | string | PickleValue[] | PyTuple | PyDict | PyGlobal | StorageRef | TensorRef;

export const TORCH_STORAGE_TYPES = [
  'FloatStorage',
  'DoubleStorage',
  'HalfStorage',
  'BFloat16Storage',
  'LongStorage',
  'IntStorage',
  'ShortStorage',
  'CharStorage',
  'ByteStorage',
  'BoolStorage',
] as const;
export type TorchStorageType = (typeof TORCH_STORAGE_TYPES)[number];

const ALLOWED_GLOBALS = new Set<string>([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  ...TORCH_STORAGE_TYPES.map((t) => `torch.${t}`),
]);

export const ALLOWED_GLOBALS_TEXT =
  'collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter or a torch.*Storage type';

export interface PickleLimits {
  /** Bytes one pickle may span; default 1 MiB. */
  maxBytes: number;
  /** Memo entries; default 100k. */
  maxMemo: number;
  /** Open MARKs; default 64. */
  maxDepth: number;
  /** Values on the stack; default 100k. */
  maxStack: number;
  /** Elements of one container; default 1M. */
  maxItems: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxBytes: 1 << 20,
  maxMemo: 100_000,
  maxDepth: 64,
  maxStack: 100_000,
  maxItems: 1_000_000,
};

export interface PickleReadOptions {
  file?: string;
  /** Where the pickle starts (several pickles follow each other in a legacy torch file). */
  offset?: number;
  limits?: Partial<PickleLimits>;
}

export interface PickleReadResult {
  value: PickleValue;
  /** Offset just after STOP. */
  end: number;
}

/** Opcode names, for the opcodes read here and for the ones refused by name. */
const OPCODE_NAMES: Record<number, string> = {
  0x80: 'PROTO',
  0x95: 'FRAME',
  0x2e: 'STOP',
  0x28: 'MARK',
  0x7d: 'EMPTY_DICT',
  0x5d: 'EMPTY_LIST',
  0x29: 'EMPTY_TUPLE',
  0x74: 'TUPLE',
  0x85: 'TUPLE1',
  0x86: 'TUPLE2',
  0x87: 'TUPLE3',
  0x73: 'SETITEM',
  0x75: 'SETITEMS',
  0x61: 'APPEND',
  0x65: 'APPENDS',
  0x58: 'BINUNICODE',
  0x8c: 'SHORT_BINUNICODE',
  0x4a: 'BININT',
  0x4b: 'BININT1',
  0x4d: 'BININT2',
  0x8a: 'LONG1',
  0x47: 'BINFLOAT',
  0x89: 'NEWFALSE',
  0x88: 'NEWTRUE',
  0x4e: 'NONE',
  0x71: 'BINPUT',
  0x72: 'LONG_BINPUT',
  0x68: 'BINGET',
  0x6a: 'LONG_BINGET',
  0x94: 'MEMOIZE',
  0x63: 'GLOBAL',
  0x93: 'STACK_GLOBAL',
  0x52: 'REDUCE',
  0x62: 'BUILD',
  0x51: 'BINPERSID',
  // Refused, named so that the error says what was found.
  0x69: 'INST',
  0x6f: 'OBJ',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x50: 'PERSID',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
  0x46: 'FLOAT',
  0x49: 'INT',
  0x4c: 'LONG',
  0x8b: 'LONG4',
  0x53: 'STRING',
  0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE',
  0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES',
  0x8e: 'BINBYTES8',
  0x8d: 'BINUNICODE8',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
  0x67: 'GET',
  0x70: 'PUT',
  0x6c: 'LIST',
  0x64: 'DICT',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
};

export function opcodeName(op: number): string {
  return OPCODE_NAMES[op] ?? 'unknown opcode';
}

/**
 * Reads one pickle starting at `options.offset`. Throws AgentFormatError (field `pickle`,
 * `pickle.opcode`, `pickle.global`, `pickle.call` or `pickle.persistent_id`) on anything it does
 * not recognise as state_dict data.
 */
export function readPickle(bytes: Uint8Array, options: PickleReadOptions = {}): PickleReadResult {
  const file = options.file ?? 'data.pkl';
  const limits = { ...DEFAULT_PICKLE_LIMITS, ...options.limits };
  const start = options.offset ?? 0;
  const end = Math.min(bytes.length, start + limits.maxBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = start;
  let opPos = start;
  let op = 0;

  const fail = (field: string, expected: string, got: string, hint?: string): never => {
    throw new AgentFormatError({ file, field, expected, got: `${got} at byte ${opPos}`, hint });
  };
  const need = (n: number): number => {
    if (pos + n > end) {
      if (end < bytes.length) fail('pickle', `a pickle of at most ${limits.maxBytes} bytes`, 'a longer pickle');
      fail('pickle', `${n} more bytes for ${opcodeName(op)}`, 'end of file (truncated pickle)');
    }
    const at = pos;
    pos += n;
    return at;
  };
  const push = (v: PickleValue): void => {
    if (stack.length >= limits.maxStack) fail('pickle', `at most ${limits.maxStack} stack values`, 'more');
    stack.push(v);
  };
  const pop = (): PickleValue => {
    const base = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= base) fail('pickle', `a value on the stack for ${opcodeName(op)}`, 'an empty stack');
    return stack.pop()!;
  };
  const top = (): PickleValue => {
    const base = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= base) fail('pickle', `a value on the stack for ${opcodeName(op)}`, 'an empty stack');
    return stack[stack.length - 1];
  };
  const popMark = (): PickleValue[] => {
    const m = marks.pop();
    if (m === undefined) fail('pickle', `a MARK before ${opcodeName(op)}`, 'none');
    const items = stack.splice(m!);
    return items;
  };
  const put = (index: number): void => {
    if (!memo.has(index) && memo.size >= limits.maxMemo)
      fail('pickle', `at most ${limits.maxMemo} memo entries`, 'more');
    memo.set(index, top());
  };
  const get = (index: number): void => {
    if (!memo.has(index)) fail('pickle', `a memo entry ${index}`, 'none');
    push(memo.get(index)!);
  };
  const readLine = (): string => {
    const limit = Math.min(end, pos + 256);
    let i = pos;
    while (i < limit && bytes[i] !== 0x0a) i++;
    if (i >= limit) fail('pickle', 'a newline-terminated name of at most 256 bytes', 'none');
    const s = new TextDecoder('latin1').decode(bytes.subarray(pos, i));
    pos = i + 1;
    return s;
  };
  const readString = (n: number): string => {
    const at = need(n);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      return fail('pickle', 'UTF-8 text', 'invalid bytes');
    }
  };
  const toKey = (k: PickleValue): PyKey => {
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean')
      return k;
    return fail('pickle', 'a string or number as dict key', describe(k));
  };
  const setItems = (dict: PickleValue, items: PickleValue[]): void => {
    if (!(dict instanceof PyDict)) fail('pickle', `a dict under ${opcodeName(op)}`, describe(dict));
    const d = dict as PyDict;
    if (items.length % 2 !== 0) fail('pickle', `key/value pairs for ${opcodeName(op)}`, `${items.length} values`);
    if (d.entries.size + items.length / 2 > limits.maxItems) fail('pickle', `at most ${limits.maxItems} items`, 'more');
    for (let i = 0; i < items.length; i += 2) d.entries.set(toKey(items[i]), items[i + 1]);
  };
  const appendItems = (list: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(list)) fail('pickle', `a list under ${opcodeName(op)}`, describe(list));
    const l = list as PickleValue[];
    if (l.length + items.length > limits.maxItems) fail('pickle', `at most ${limits.maxItems} items`, 'more');
    for (const item of items) l.push(item);
  };
  const pushGlobal = (module: string, name: string): void => {
    const qualified = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(qualified)) {
      fail('pickle.global', `only state_dict globals (${ALLOWED_GLOBALS_TEXT})`, `global ${qualified}`);
    }
    push(new PyGlobal(module, name));
  };

  while (true) {
    opPos = pos;
    op = bytes[need(1)];
    switch (op) {
      case 0x80: {
        // PROTO
        const v = bytes[need(1)];
        if (v < 2 || v > 5) fail('pickle', 'protocol 2 to 5', `protocol ${v}`);
        break;
      }
      case 0x95: // FRAME: framing is a hint for buffered readers; the length is only skipped.
        need(8);
        break;
      case 0x2e: {
        // STOP
        if (marks.length !== 0 || stack.length !== 1) {
          fail('pickle', 'exactly one value on the stack at STOP', `${stack.length} values, ${marks.length} marks`);
        }
        return { value: stack[0], end: pos };
      }
      case 0x28: // MARK
        if (marks.length >= limits.maxDepth) fail('pickle', `nesting of at most ${limits.maxDepth}`, 'deeper');
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        push(new PyDict(false));
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        push(new PyTuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        push(new PyTuple([a, b, c]));
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x58: // BINUNICODE
        push(readString(view.getUint32(need(4), true)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(readString(bytes[need(1)]));
        break;
      case 0x4a: // BININT
        push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        push(bytes[need(1)]);
        break;
      case 0x4d: // BININT2
        push(view.getUint16(need(2), true));
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        const n = bytes[need(1)];
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]);
        if (n > 0 && bytes[at + n - 1] >= 0x80) v -= 1n << BigInt(8 * n);
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        push(view.getFloat64(need(8), false));
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x71: // BINPUT
        put(bytes[need(1)]);
        break;
      case 0x72: // LONG_BINPUT
        put(view.getUint32(need(4), true));
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x68: // BINGET
        get(bytes[need(1)]);
        break;
      case 0x6a: // LONG_BINGET
        get(view.getUint32(need(4), true));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = readLine();
        const name = readLine();
        pushGlobal(module, name);
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          fail('pickle', 'two strings for STACK_GLOBAL', `${describe(module)}, ${describe(name)}`);
        }
        pushGlobal(module as string, name as string);
        break;
      }
      case 0x51: // BINPERSID
        push(persistentStorage(pop(), fail));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        push(callAllowed(callable, args, fail));
        break;
      }
      case 0x62: {
        // BUILD: only the `{'_metadata': ...}` state of an OrderedDict.
        const state = pop();
        const target = top();
        if (!(target instanceof PyDict) || !target.ordered || !(state instanceof PyDict)) {
          fail('pickle.opcode', 'BUILD only on an OrderedDict with a dict state', `BUILD on ${describe(target)}`);
        }
        (target as PyDict).state = state as PyDict;
        break;
      }
      default:
        fail(
          'pickle.opcode',
          'only the opcodes of a state_dict pickle',
          `opcode ${opcodeName(op)} (0x${op.toString(16).padStart(2, '0')})`,
        );
    }
  }
}

type Fail = (field: string, expected: string, got: string, hint?: string) => never;

function persistentStorage(pid: PickleValue, fail: Fail): StorageRef {
  const expected = "('storage', torch.<Type>Storage, key, location, numel[, None])";
  if (!(pid instanceof PyTuple) || (pid.items.length !== 5 && pid.items.length !== 6)) {
    return fail('pickle.persistent_id', expected, describe(pid));
  }
  const [tag, type, key, location, numel, viewMetadata] = pid.items;
  if (tag !== 'storage') return fail('pickle.persistent_id', expected, `tag ${describe(tag)}`);
  if (!(type instanceof PyGlobal) || type.module !== 'torch' || !isStorageType(type.name)) {
    return fail('pickle.persistent_id', expected, `storage type ${describe(type)}`);
  }
  if (typeof key !== 'string' || typeof location !== 'string') {
    return fail('pickle.persistent_id', expected, `key ${describe(key)}, location ${describe(location)}`);
  }
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
    return fail('pickle.persistent_id', expected, `numel ${describe(numel)}`);
  }
  if (pid.items.length === 6 && viewMetadata !== null) {
    return fail('pickle.persistent_id', 'no storage view (view_metadata None)', describe(viewMetadata));
  }
  return { kind: 'storage', storageType: type.name, key, location, numel };
}

function isStorageType(name: string): name is TorchStorageType {
  return (TORCH_STORAGE_TYPES as readonly string[]).includes(name);
}

function callAllowed(callable: PickleValue, args: PickleValue, fail: Fail): PickleValue {
  if (!(callable instanceof PyGlobal)) return fail('pickle.call', 'a call of an allowed global', describe(callable));
  if (!(args instanceof PyTuple)) return fail('pickle.call', 'an argument tuple', describe(args));
  const name = callable.qualifiedName;
  const a = args.items;
  if (name === 'collections.OrderedDict') {
    if (a.length !== 0) return fail('pickle.call', 'OrderedDict() without arguments', `${a.length} arguments`);
    return new PyDict(true);
  }
  if (name === 'torch._utils._rebuild_tensor_v2') {
    const expected = '_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])';
    if (a.length !== 6 && a.length !== 7) return fail('pickle.call', expected, `${a.length} arguments`);
    const [storage, offset, size, stride, requiresGrad] = a;
    if (!isStorageRef(storage)) return fail('pickle.call', expected, `storage ${describe(storage)}`);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      return fail('pickle.call', expected, `offset ${describe(offset)}`);
    }
    const shape = intTuple(size);
    const strides = intTuple(stride);
    if (shape === undefined || strides === undefined || shape.length !== strides.length || shape.length > 16) {
      return fail('pickle.call', expected, `size ${describe(size)}, stride ${describe(stride)}`);
    }
    if (typeof requiresGrad !== 'boolean')
      return fail('pickle.call', expected, `requires_grad ${describe(requiresGrad)}`);
    return { kind: 'tensor', storage, offset, shape, strides, requiresGrad };
  }
  if (name === 'torch._utils._rebuild_parameter') {
    const expected = '_rebuild_parameter(tensor, requires_grad, hooks)';
    if (a.length !== 3 || !isTensorRef(a[0])) return fail('pickle.call', expected, describe(args));
    return a[0];
  }
  return fail('pickle.call', 'a call of OrderedDict, _rebuild_tensor_v2 or _rebuild_parameter', `call of ${name}`);
}

function intTuple(v: PickleValue): number[] | undefined {
  if (!(v instanceof PyTuple)) return undefined;
  const out: number[] = [];
  for (const x of v.items) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) return undefined;
    out.push(x);
  }
  return out;
}

export function isStorageRef(v: PickleValue): v is StorageRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v && v.kind === 'storage';
}

export function isTensorRef(v: PickleValue): v is TensorRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v && v.kind === 'tensor';
}

/** A short description of a value for error messages. */
export function describe(v: PickleValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof PyTuple) return `a tuple of ${v.items.length}`;
  if (v instanceof PyDict) return v.ordered ? 'an OrderedDict' : 'a dict';
  if (v instanceof PyGlobal) return v.qualifiedName;
  return v.kind === 'storage' ? `a ${v.storageType}` : `a tensor [${v.shape.join(', ')}]`;
}
