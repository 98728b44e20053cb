/**
 * Writes zip archives byte by byte, for tests of the bundle reader: hostile archives that no
 * zip tool would make (declared sizes that lie, `..` names, bombs, encryption flags).
 * Test-only: nothing in the server imports it.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface RawZipEntry {
  readonly name: string;
  /** The entry's data as stored in the archive (already deflated when method is 8). */
  readonly data: Uint8Array;
  /** 0 stored, 8 deflate. [default: 0] */
  readonly method?: number;
  /** Declared uncompressed size. [default: data.length] */
  readonly size?: number;
  /** Declared CRC-32. [default: CRC of data] */
  readonly crc?: number;
  /** General-purpose flags. [default: 0x0800, UTF-8 names] */
  readonly flags?: number;
}

/** A deflated entry whose declared size and CRC are those of `plain`. */
export function deflatedEntry(name: string, plain: Uint8Array): RawZipEntry {
  return { name, data: deflateRawSync(plain), method: 8, size: plain.length, crc: crc32(plain) >>> 0 };
}

/**
 * A raw deflate stream that inflates to `megabytes` MiB of zeros, built without ever holding
 * them: one full-flushed (byte-aligned, non-final, self-contained) block of 1 MiB of zeros
 * repeated, then an empty final block. ~1 KiB per MiB: a ratio of about 1000.
 */
export function zerosDeflateStream(megabytes: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(1024 * 1024), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const last = deflateRawSync(new Uint8Array(0));
  const out = new Uint8Array(block.length * megabytes + last.length);
  for (let i = 0; i < megabytes; i++) out.set(block, i * block.length);
  out.set(last, block.length * megabytes);
  return out;
}

/** Local headers and data, then the central directory and its end record. */
export function buildZip(entries: readonly RawZipEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method ?? 0;
    const size = e.size ?? e.data.length;
    const crc = e.crc ?? crc32(e.data) >>> 0;
    const flags = e.flags ?? 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, Buffer.from(e.data));
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += local.length + name.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cdBytes, eocd]));
}
