/**
 * Strict reader for NumPy `.npy` files (agents.md §6.1): format 1.0/2.0/3.0, a header parsed by a
 * tiny literal grammar (never evaluated), C order, and an exact byte length checked against the
 * buffer before anything is allocated. Only the dtypes the arena needs are accepted.
 */
import { AgentFormatError } from '../agentFormatError.ts';

/** `<f4` for weights; `<f8` (rounded to float32) for CartPole-style genomes; `|u1` for frames. */
export type NpyDtype = '<f4' | '<f8' | '|u1';

const ITEM_SIZE: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8, '|u1': 1 };

export interface NpyArray {
  /** The dtype in the file; `data` is always float32. */
  dtype: NpyDtype;
  shape: number[];
  data: Float32Array;
}

export interface NpyReadOptions {
  /** Name used in errors. */
  file?: string;
  /** Dtypes accepted; default `['<f4']`. */
  dtypes?: readonly NpyDtype[];
  /** When set, product(shape) must equal it exactly (a genome of a built-in architecture). */
  expectedLength?: number;
  /** When set, the shape must equal it exactly. */
  expectedShape?: readonly number[];
  /** Largest accepted element count; default 64 Mi elements. */
  maxElements?: number;
  /** Largest header length HL; default 4096. */
  maxHeaderLength?: number;
  /** Reject NaN and ±Inf; default true. */
  requireFinite?: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DEFAULT_MAX_ELEMENTS = 64 * 1024 * 1024;
const DEFAULT_MAX_HEADER = 4096;

export function readNpy(bytes: Uint8Array, options: NpyReadOptions = {}): NpyArray {
  const file = options.file ?? 'array.npy';
  const fail = (field: string, expected: string, got: string): never => {
    throw new AgentFormatError({ file, field, expected, got });
  };

  if (bytes.length < 10) fail('magic', 'a .npy file (at least 10 bytes)', `${bytes.length} bytes`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) fail('magic', '"\\x93NUMPY"', `byte ${i} = 0x${bytes[i].toString(16)}`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) fail('version', '1.0, 2.0 or 3.0', `${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else {
    if (bytes.length < 12) fail('header', 'a 4-byte header length', 'end of file');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  }
  const maxHeader = options.maxHeaderLength ?? DEFAULT_MAX_HEADER;
  if (headerLength > maxHeader) fail('header', `a header of at most ${maxHeader} bytes`, `${headerLength} bytes`);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    fail('header', `${headerLength} header bytes`, `a file truncated after ${bytes.length} bytes`);
  }
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(
      bytes.subarray(headerStart, dataStart),
    );
  } catch {
    return fail('header', 'UTF-8 header text', 'invalid bytes');
  }
  if (major !== 3 && !/^[\x20-\x7e\n]*$/.test(text)) fail('header', 'ASCII header text', 'non-ASCII bytes');
  const header = parseHeaderDict(text, file);

  const dtypes = options.dtypes ?? ['<f4'];
  const descr = header.descr;
  if (!(dtypes as readonly string[]).includes(descr)) {
    fail(
      'header.descr',
      `dtype ${dtypes.map((d) => `'${d}'`).join(' or ')}`,
      descr === '|O' ? "'|O' (a pickled object array, never read)" : `'${descr}'`,
    );
  }
  const dtype = descr as NpyDtype;
  const shape = header.shape;

  let count = 1;
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  for (const d of shape) {
    count *= d;
    if (count > maxElements) {
      fail('shape', `at most ${maxElements} elements`, `shape (${shape.join(', ')}), ${product(shape)} elements`);
    }
  }
  if (header.fortranOrder && shape.filter((d) => d > 1).length > 1) {
    fail('header.fortran_order', 'False (C order)', 'True with more than one dimension above 1');
  }
  if (options.expectedShape !== undefined && !sameShape(shape, options.expectedShape)) {
    fail('shape', `(${options.expectedShape.join(', ')})`, `(${shape.join(', ')})`);
  }
  if (options.expectedLength !== undefined && count !== options.expectedLength) {
    fail('shape', `${options.expectedLength} elements`, `${count} elements, shape (${shape.join(', ')})`);
  }
  const itemSize = ITEM_SIZE[dtype];
  const dataBytes = bytes.length - dataStart;
  if (dataBytes !== count * itemSize) {
    fail(
      'data',
      `${count * itemSize} data bytes (${count} x ${itemSize}) after the header`,
      `${dataBytes} bytes${dataBytes < count * itemSize ? ' (truncated file)' : ' (trailing bytes)'}`,
    );
  }

  const data = new Float32Array(count);
  const body = bytes.subarray(dataStart);
  if (dtype === '|u1') {
    data.set(body);
  } else {
    const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (dtype === '<f4') for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, true);
    else for (let i = 0; i < count; i++) data[i] = dv.getFloat64(i * 8, true);
    if (options.requireFinite ?? true) {
      for (let i = 0; i < count; i++) {
        if (!Number.isFinite(data[i])) fail('data', 'finite values', `${data[i]} at element ${i}`);
      }
    }
  }
  return { dtype, shape, data };
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and `\n`. */
function parseHeaderDict(text: string, file: string): NpyHeader {
  let pos = 0;
  const fail = (expected: string): never => {
    const got = pos >= text.length ? 'end of header' : JSON.stringify(text.slice(pos, pos + 20));
    throw new AgentFormatError({ file, field: 'header', expected, got: `${got} at offset ${pos}` });
  };
  const skipSpace = (): void => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\n')) pos++;
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[pos] !== ch) fail(`'${ch}'`);
    pos++;
  };
  const parseString = (): string => {
    skipSpace();
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') fail('a quoted string');
    const end = text.indexOf(quote, pos + 1);
    if (end < 0) fail('a closing quote');
    const s = text.slice(pos + 1, end);
    if (s.includes('\\')) fail('a string without escapes');
    pos = end + 1;
    return s;
  };
  const parseInt = (): number => {
    skipSpace();
    const m = /^[0-9]{1,12}/.exec(text.slice(pos, pos + 13));
    if (m === null) fail('a non-negative integer');
    pos += m![0].length;
    const n = Number(m![0]);
    if (!Number.isSafeInteger(n)) fail('an integer below 2^53');
    return n;
  };
  const parseValue = (key: string): string | boolean | number[] => {
    skipSpace();
    if (key === 'descr') return parseString();
    if (key === 'fortran_order') {
      if (text.startsWith('True', pos)) return ((pos += 4), true);
      if (text.startsWith('False', pos)) return ((pos += 5), false);
      return fail('True or False');
    }
    expect('(');
    const dims: number[] = [];
    skipSpace();
    while (text[pos] !== ')') {
      if (dims.length >= 32) fail('at most 32 dimensions');
      dims.push(parseInt());
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') fail("',' or ')'");
      skipSpace();
    }
    pos++;
    return dims;
  };

  const values = new Map<string, string | boolean | number[]>();
  expect('{');
  skipSpace();
  while (text[pos] !== '}') {
    const key = parseString();
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') fail("key 'descr', 'fortran_order' or 'shape'");
    if (values.has(key)) fail(`one '${key}'`);
    expect(':');
    values.set(key, parseValue(key));
    skipSpace();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') fail("',' or '}'");
    skipSpace();
  }
  pos++;
  skipSpace();
  if (pos !== text.length) fail('only spaces and a newline after the dict');
  const descr = values.get('descr');
  const fortranOrder = values.get('fortran_order');
  const shape = values.get('shape');
  if (typeof descr !== 'string' || typeof fortranOrder !== 'boolean' || !Array.isArray(shape)) {
    throw new AgentFormatError({
      file,
      field: 'header',
      expected: "exactly the keys 'descr', 'fortran_order' and 'shape'",
      got: `keys ${[...values.keys()].join(', ') || 'none'}`,
    });
  }
  return { descr, fortranOrder, shape };
}
