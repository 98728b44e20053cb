import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentFormatError } from '../agentFormatError.ts';
import { PyDict, PyTuple, isTensorRef, readPickle, type PickleReadOptions } from './pickleReader.ts';
import { PickleWriter } from './pickleWriter.testutil.ts';

function formatError(bytes: Uint8Array, options: PickleReadOptions = {}): AgentFormatError {
  try {
    readPickle(bytes, { file: 'evil.pt', ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(AgentFormatError);
    return e as AgentFormatError;
  }
  throw new Error('expected an AgentFormatError');
}

describe('readPickle reads plain data', () => {
  it('dicts, lists, tuples, ints, floats, strings, booleans, None and the memo', () => {
    const w = new PickleWriter().proto(2).op(0x7d, 0x71, 0); // EMPTY_DICT, BINPUT 0
    w.mark().str('a').int(-5).shortStr('b').op(0x4b, 200).str('c').op(0x4d, 0x34, 0x12);
    w.str('d').float(0.25).str('e').op(0x88).str('f').op(0x89).str('g').op(0x4e);
    w.str('h').op(0x5d, 0x94).mark().op(0x4b, 1).op(0x4b, 2).op(0x65).op(0x4b, 3).op(0x61); // list [1,2,3], MEMOIZE
    w.str('i').op(0x4b, 1).op(0x4b, 2).op(0x86); // TUPLE2
    w.str('j').op(0x68, 1); // BINGET 1: the same list
    w.str('k').op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19); // LONG1 legacy magic
    w.str('l').op(0x8a, 1, 0xff); // LONG1 -1
    w.op(0x75).stop(); // SETITEMS, STOP
    const { value, end } = readPickle(w.bytes());
    expect(end).toBe(w.bytes().length);
    expect(value).toBeInstanceOf(PyDict);
    const d = (value as PyDict).entries;
    expect(Object.fromEntries([...d].filter(([k]) => 'abcdefg'.includes(k as string)))).toEqual({
      a: -5,
      b: 200,
      c: 0x1234,
      d: 0.25,
      e: true,
      f: false,
      g: null,
    });
    expect(d.get('h')).toEqual([1, 2, 3]);
    expect(d.get('j')).toBe(d.get('h'));
    expect(d.get('i')).toEqual(new PyTuple([1, 2]));
    expect(d.get('k')).toBe(0x1950a86a20f9469cfc6cn);
    expect(d.get('l')).toBe(-1);
  });

  it('protocol 4 framing, SHORT_BINUNICODE and STACK_GLOBAL of an allowed global', () => {
    const w = new PickleWriter().proto(4).op(0x95, 0, 0, 0, 0, 0, 0, 0, 0);
    w.shortStr('collections').shortStr('OrderedDict').op(0x93, 0x94).emptyTuple().reduce().stop();
    const { value } = readPickle(w.bytes());
    expect(value).toBeInstanceOf(PyDict);
    expect((value as PyDict).ordered).toBe(true);
  });

  it('a tensor descriptor from _rebuild_tensor_v2 and _rebuild_parameter', () => {
    const w = new PickleWriter().proto(2).global('torch._utils', '_rebuild_parameter');
    w.tensor('FloatStorage', '0', 6, 0, [2, 3], [3, 1]).op(0x88).orderedDict().op(0x87).reduce().stop();
    const { value } = readPickle(w.bytes());
    expect(isTensorRef(value)).toBe(true);
    expect(value).toMatchObject({ shape: [2, 3], strides: [3, 1], offset: 0, storage: { key: '0', numel: 6 } });
  });
});

describe('readPickle refuses everything else, executing nothing', () => {
  it.each([
    ['posix', 'system'],
    ['os', 'system'],
    ['nt', 'system'],
    ['subprocess', 'Popen'],
  ])('a pickle calling %s.%s', (module, name) => {
    const dir = mkdtempSync(join(tmpdir(), 'pickle-'));
    const marker = join(dir, 'pwned');
    try {
      const bytes = new PickleWriter().proto(2).global(module, name).str(`touch ${marker}`).op(0x85).reduce().stop();
      const e = formatError(bytes.bytes());
      expect(e.field).toBe('pickle.global');
      expect(e.got).toBe(`global ${module}.${name} at byte 2`);
      expect(e.message).toContain(`${module}.${name}`);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builtins.eval through STACK_GLOBAL', () => {
    const w = new PickleWriter().proto(4).shortStr('builtins').shortStr('eval').op(0x93);
    w.shortStr('1+1').op(0x85).reduce().stop();
    expect(formatError(w.bytes()).got).toBe('global builtins.eval at byte 18');
  });

  it('whole-module globals such as torch.nn.modules.conv.Conv2d', () => {
    const e = formatError(new PickleWriter().proto(2).global('torch.nn.modules.conv', 'Conv2d').stop().bytes());
    expect(e.got).toContain('global torch.nn.modules.conv.Conv2d');
  });

  it.each([
    [0x69, 'INST'],
    [0x6f, 'OBJ'],
    [0x81, 'NEWOBJ'],
    [0x92, 'NEWOBJ_EX'],
    [0x50, 'PERSID'],
    [0x42, 'BINBYTES'],
    [0x30, 'POP'],
    [0xff, 'unknown opcode'],
    [0x00, 'unknown opcode'],
  ])('opcode %i (%s)', (op, name) => {
    const e = formatError(new PickleWriter().proto(2).op(op).stop().bytes());
    expect(e.field).toBe('pickle.opcode');
    expect(e.got).toBe(`opcode ${name} (0x${op.toString(16).padStart(2, '0')}) at byte 2`);
  });

  it('a call of an allowed global that is not a constructor the reader knows', () => {
    const w = new PickleWriter().proto(2).global('torch', 'FloatStorage').emptyTuple().reduce().stop();
    const e = formatError(w.bytes());
    expect(e.field).toBe('pickle.call');
    expect(e.got).toContain('call of torch.FloatStorage');
  });

  it('BUILD on anything but an OrderedDict', () => {
    const w = new PickleWriter().proto(2).op(0x5d).op(0x7d).op(0x62).stop();
    const e = formatError(w.bytes());
    expect(e.field).toBe('pickle.opcode');
    expect(e.got).toContain('BUILD on a list of 0');
  });

  it('a persistent id that is not a storage', () => {
    const w = new PickleWriter().proto(2).mark().str('module').str('x').tuple().op(0x51).stop();
    expect(formatError(w.bytes()).field).toBe('pickle.persistent_id');
  });

  it('truncated pickles, stack underflow, too deep nesting, a protocol above 5, too many bytes', () => {
    expect(formatError(new PickleWriter().proto(2).str('abc').bytes().subarray(0, 6)).got).toContain('truncated');
    expect(formatError(new PickleWriter().proto(2).op(0x85).stop().bytes()).got).toContain('an empty stack');
    const deep = new PickleWriter().proto(2);
    for (let i = 0; i < 65; i++) deep.mark();
    expect(formatError(deep.stop().bytes()).expected).toBe('nesting of at most 64');
    expect(formatError(new PickleWriter().proto(6).bytes()).got).toContain('protocol 6');
    const long = new PickleWriter().proto(2).str('x'.repeat(2000)).stop().bytes();
    expect(formatError(long, { limits: { maxBytes: 1000 } }).expected).toBe('a pickle of at most 1000 bytes');
    expect(formatError(new PickleWriter().proto(2).op(0x68, 7).stop().bytes()).expected).toBe('a memo entry 7');
    expect(formatError(new PickleWriter().proto(2).op(0x4e, 0x4e).stop().bytes()).expected).toBe(
      'exactly one value on the stack at STOP',
    );
  });
});
