/**
 * Builds pickle bytes opcode by opcode, for tests of the restricted reader (hostile pickles
 * and small synthetic state_dicts). Test-only: nothing in the server imports it.
 */
export class PickleWriter {
  private readonly out: number[] = [];

  op(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }
  proto(v = 2): this {
    return this.op(0x80, v);
  }
  /** GLOBAL "module\nname\n". */
  global(module: string, name: string): this {
    return this.op(0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }
  /** BINUNICODE. */
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.op(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24, ...b);
  }
  /** SHORT_BINUNICODE. */
  shortStr(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.op(0x8c, b.length, ...b);
  }
  /** BININT (signed 32-bit). */
  int(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.op(0x4a, ...b);
  }
  float(x: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    return this.op(0x47, ...b);
  }
  mark(): this {
    return this.op(0x28);
  }
  tuple(): this {
    return this.op(0x74);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  reduce(): this {
    return this.op(0x52);
  }
  stop(): this {
    return this.op(0x2e);
  }
  /** A tuple of ints: MARK, BININT..., TUPLE. */
  intTuple(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  /** `collections.OrderedDict()` */
  orderedDict(): this {
    return this.global('collections', 'OrderedDict').emptyTuple().reduce();
  }
  /** `_rebuild_tensor_v2(<persistent storage>, offset, size, stride, False, OrderedDict())`, without the key. */
  tensor(storageType: string, key: string, numel: number, offset: number, size: number[], stride: number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().str('storage').global('torch', storageType).str(key).str('cpu').int(numel).tuple().op(0x51);
    this.int(offset).intTuple(size).intTuple(stride).op(0x89).orderedDict().tuple();
    return this.reduce();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
