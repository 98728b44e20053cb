import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../test/support/referenceData.ts';
import { AgentFormatError } from '../agentFormatError.ts';
import { readNpy, type NpyReadOptions } from './npyReader.ts';

const SEED = resolve(SHARED_DIR, 'seed-agents');
const GENOMES = ['genome-2019-12-17-I1495-S426.npy', 'genome-2019-12-26-I1995-S466.npy'];

/** A .npy file: magic, version, length, the header padded to 64 bytes with '\n', then the data. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const padded = header + ' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64) + '\n';
  const h = Buffer.from(padded, major === 3 ? 'utf8' : 'latin1');
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(h.length, 8);
  else head.writeUInt32LE(h.length, 8);
  return new Uint8Array(Buffer.concat([head, h, data]));
}

function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function formatError(bytes: Uint8Array, options: NpyReadOptions = {}): AgentFormatError {
  try {
    readNpy(bytes, { file: 'upload.npy', ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(AgentFormatError);
    return e as AgentFormatError;
  }
  throw new Error('expected an AgentFormatError');
}

describe('readNpy on the seed files', () => {
  it.each(GENOMES)('reads the GA genome %s: 787,027 finite float32 (spec 3.4)', (name) => {
    const bytes = readFileSync(resolve(SEED, 'jankowski-ga', name));
    expect(bytes.length).toBe(3_148_236);
    const arr = readNpy(bytes, { file: name, expectedLength: 787_027 });
    expect(arr.dtype).toBe('<f4');
    expect(arr.shape).toEqual([787_027]);
    expect(arr.data.length).toBe(787_027);
    // Bit-identical to the raw little-endian payload after the 128-byte header.
    expect(Buffer.from(arr.data.buffer).equals(bytes.subarray(128))).toBe(true);
  });

  it('reads the flat DQN weights: 441,892 float32 (spec 2.8)', () => {
    const arr = readNpy(readFileSync(resolve(SEED, 'sarenac-dqn/weights.f32.npy')), { expectedLength: 441_892 });
    expect(arr.shape).toEqual([441_892]);
  });

  it("reads the test frames as '|u1' only when asked to", () => {
    const bytes = readFileSync(resolve(SHARED_DIR, 'spec/agents-testdata/frames.npy'));
    const arr = readNpy(bytes, { dtypes: ['|u1'] });
    expect(arr.shape).toEqual([66, 96, 96, 3]);
    expect(arr.data[0]).toBe(bytes[bytes.length - arr.data.length]);
    expect(formatError(bytes).field).toBe('header.descr');
  });
});

describe('readNpy on small files', () => {
  it('reads format 2.0 and 3.0 headers, 2-D shapes and scalars', () => {
    const h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    for (const major of [1, 2, 3]) {
      const arr = readNpy(npy(h, f32([1, 2, 3, 4]), major));
      expect(arr.shape).toEqual([2, 2]);
      expect([...arr.data]).toEqual([1, 2, 3, 4]);
    }
    expect(readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", f32([7]))).shape).toEqual([]);
  });

  it("accepts '<f8' when allowed and rounds it to float32", () => {
    const data = new Uint8Array(Float64Array.from([0.1, -2]).buffer);
    const arr = readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data), { dtypes: ['<f8'] });
    expect(arr.data[0]).toBe(Math.fround(0.1));
    expect(arr.data[1]).toBe(-2);
  });

  it('accepts Fortran order when only one dimension exceeds 1', () => {
    const arr = readNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", f32([1, 2, 3])));
    expect([...arr.data]).toEqual([1, 2, 3]);
  });
});

describe('readNpy refuses hostile or wrong files', () => {
  const genome = readFileSync(resolve(SEED, 'jankowski-ga', GENOMES[1]));

  it('a truncated genome', () => {
    const e = formatError(genome.subarray(0, genome.length - 100));
    expect(e.code).toBe('AGENT_FORMAT');
    expect(e.file).toBe('upload.npy');
    expect(e.field).toBe('data');
    expect(e.expected).toBe('3148108 data bytes (787027 x 4) after the header');
    expect(e.got).toContain('truncated');
  });

  it('a file truncated inside its header', () => {
    const e = formatError(genome.subarray(0, 60));
    expect(e.field).toBe('header');
    expect(e.got).toContain('truncated after 60 bytes');
  });

  it('a header declaring 2 GB, before allocating anything', () => {
    const bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (536870912,), }", f32([1, 2, 3, 4]));
    const e = formatError(bytes);
    expect(e.field).toBe('shape');
    expect(e.expected).toBe('at most 67108864 elements');
    expect(e.got).toContain('536870912 elements');
    // Even with the element limit lifted, the declared size is checked against the buffer first.
    const e2 = formatError(bytes, { maxElements: 1e12 });
    expect(e2.field).toBe('data');
    expect(e2.expected).toContain('2147483648 data bytes');
  });

  it('a shape whose product overflows', () => {
    const e = formatError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (999999999999, 999999999999), }"));
    expect(e.field).toBe('shape');
  });

  it.each([
    ['<f8', "'<f8'"],
    ['>f4', "'>f4'"],
    ['<i8', "'<i8'"],
    ['|O', 'pickled object array'],
  ])("a wrong dtype '%s'", (descr, got) => {
    const e = formatError(npy(`{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`, new Uint8Array(16)));
    expect(e.field).toBe('header.descr');
    expect(e.expected).toBe("dtype '<f4'");
    expect(e.got).toContain(got);
  });

  it('a genome of the wrong length', () => {
    const e = formatError(genome, { expectedLength: 441_892 });
    expect(e.field).toBe('shape');
    expect(e.expected).toBe('441892 elements');
    expect(e.got).toBe('787027 elements, shape (787027)');
  });

  it('NaN and infinite weights', () => {
    const h = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    expect(formatError(npy(h, f32([1, NaN, 2]))).got).toBe('NaN at element 1');
    expect(formatError(npy(h, f32([1, 2, -Infinity]))).got).toBe('-Infinity at element 2');
  });

  it('trailing bytes, Fortran order, a bad magic, an unknown version, a huge header length', () => {
    const h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
    expect(formatError(npy(h, f32([1, 2]))).got).toContain('trailing');
    const fortran = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f32([1, 2, 3, 4]));
    expect(formatError(fortran).field).toBe('header.fortran_order');
    const bad = npy(h, f32([1]));
    bad[1] = 0x4f;
    expect(formatError(bad).field).toBe('magic');
    const v4 = npy(h, f32([1]));
    v4[6] = 4;
    expect(formatError(v4).field).toBe('version');
    const long = npy(h, f32([1]), 2);
    long.set([0, 0, 0, 0x10], 8);
    expect(formatError(long).expected).toBe('a header of at most 4096 bytes');
  });

  it.each([
    "{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
    "{'descr': '<f4', 'fortran_order': False}",
    "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }; x",
  ])('a header that is not the plain dict literal: %s', (header) => {
    expect(formatError(npy(header, f32([1]))).field).toBe('header');
  });
});
