import { inflateRawSync } from 'node:zlib';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AgentFormatError } from '../agentFormatError.ts';
import { readZipBundle } from './zipBundle.ts';
import { buildZip, deflatedEntry, zerosDeflateStream, type RawZipEntry } from './zipBuilder.testutil.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The AgentFormatError readZipBundle rejects with (fails the test when it resolves). */
async function rejection(bytes: Uint8Array, limits = {}): Promise<AgentFormatError> {
  try {
    await readZipBundle(bytes, 'bundle.zip', limits);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentFormatError);
    return error as AgentFormatError;
  }
  throw new Error('readZipBundle accepted the archive');
}

describe('readZipBundle', () => {
  it('when given a zip of files, then it returns each by its path, deflated or stored', async () => {
    const weights = new Uint8Array(5000).map((_, i) => (i * 7919) % 251);
    const zip = zipSync({
      'manifest.json': text('{"a":1}'),
      'weights.npy': [weights, { level: 0 }],
      'sub/x.bin': text('x'),
    });
    const files = await readZipBundle(zip, 'bundle.zip');
    expect([...files.keys()].sort()).toEqual(['manifest.json', 'sub/x.bin', 'weights.npy']);
    expect(files.get('weights.npy')).toEqual(weights);
    expect(new TextDecoder().decode(files.get('manifest.json'))).toBe('{"a":1}');
  });

  it('when every file sits under one top folder, then the folder is stripped and directory entries dropped', async () => {
    const zip = zipSync({ agent: { 'manifest.json': text('{}'), 'weights.npy': text('w'), data: { '0': text('0') } } });
    const files = await readZipBundle(zip, 'bundle.zip');
    expect([...files.keys()].sort()).toEqual(['data/0', 'manifest.json', 'weights.npy']);
  });

  it('when Finder zipped a folder (__MACOSX, .DS_Store), then the metadata is dropped and the folder stripped', async () => {
    const zip = zipSync({
      agent: { 'manifest.json': text('{}'), 'w.npy': text('w'), '.DS_Store': text('ds') },
      __MACOSX: { agent: { '._manifest.json': text('rsrc') } },
    });
    expect([...(await readZipBundle(zip, 'bundle.zip')).keys()].sort()).toEqual(['manifest.json', 'w.npy']);
  });

  it('when a streaming zipper wrote data descriptors (zero sizes in local headers), then it reads the central sizes', async () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    const weights = new Uint8Array(3000).map((_, i) => (i * 31) % 256);
    for (const [name, data] of [
      ['w.npy', weights],
      ['manifest.json', text('{"m":1}')],
    ] as const) {
      const entry = new ZipDeflate(name);
      zip.add(entry);
      entry.push(data, true);
    }
    zip.end();
    const bytes = new Uint8Array(Buffer.concat(chunks));
    expect(new DataView(bytes.buffer).getUint16(6, true) & 0x0008).toBe(0x0008);
    const files = await readZipBundle(bytes, 'bundle.zip');
    expect(files.get('w.npy')).toEqual(weights);
    expect(new TextDecoder().decode(files.get('manifest.json'))).toBe('{"m":1}');
  });

  it('when files sit under different top folders, then nothing is stripped', async () => {
    const zip = zipSync({ a: { 'x.txt': text('x') }, b: { 'y.txt': text('y') } });
    expect([...(await readZipBundle(zip, 'bundle.zip')).keys()].sort()).toEqual(['a/x.txt', 'b/y.txt']);
  });

  it('when the archive has more than 16 entries, then zip.entries fails', async () => {
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 17; i++) entries[`f${i}.txt`] = text(String(i));
    const error = await rejection(zipSync(entries));
    expect(error.toJSON()).toMatchObject({ file: 'bundle.zip', field: 'zip.entries', got: '17' });
  });

  it.each([
    ['../evil.txt', 'a ".." segment'],
    ['agent/../../evil.txt', 'a nested ".." segment'],
    ['/etc/passwd', 'an absolute path'],
    ['C:/evil.txt', 'a drive letter'],
    ['agent\\evil.txt', 'a backslash'],
    ['evil\u0000.txt', 'a NUL'],
  ])('when an entry is named %j (%s), then zip.entry[i].name fails', async (name) => {
    const zip = buildZip([
      { name: 'ok.txt', data: text('ok') },
      { name, data: text('evil') },
    ]);
    const error = await rejection(zip);
    expect(error.field).toBe('zip.entry[1].name');
    expect(error.got).toBe(JSON.stringify(name));
  });

  it('when two entries share a name, then the second fails', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: text('1') },
      { name: 'a.txt', data: text('2') },
    ]);
    expect((await rejection(zip)).field).toBe('zip.entry[1].name');
  });

  it('when a real 150 MiB zip bomb comes, then zip.ratio fails before anything is inflated', async () => {
    const bombStream = zerosDeflateStream(150);
    expect(bombStream.length).toBeLessThan(300 * 1024);
    // Entry 0 is not valid deflate: inflating it first would fail with another error.
    const zip = buildZip([
      { name: 'first.bin', data: text('not deflate at all'), method: 8, size: 10 },
      { name: 'bomb.bin', data: bombStream, method: 8, size: 150 * 1024 * 1024, crc: 0 },
    ]);
    const error = await rejection(zip);
    expect(error.field).toBe('zip.ratio');
    expect(error.got).toMatch(/bomb\.bin/);
  });

  it('when the zero stream is inflated, then it really is that many zeros (the bomb is real)', () => {
    const out = inflateRawSync(zerosDeflateStream(3));
    expect(out.length).toBe(3 * 1024 * 1024);
    expect(out.every((b) => b === 0)).toBe(true);
  });

  it('when the declared total exceeds the limit, then zip.size fails', async () => {
    const zip = buildZip([
      { name: 'a.bin', data: new Uint8Array(600) },
      { name: 'b.bin', data: new Uint8Array(600) },
    ]);
    const error = await rejection(zip, { maxTotalBytes: 1000 });
    expect(error.field).toBe('zip.size');
  });

  it('when an entry lies about its size, then zip.entry[i].size fails after a bounded inflate', async () => {
    const plain = new Uint8Array(4096).fill(7);
    const bigger: RawZipEntry = { ...deflatedEntry('w.bin', plain), size: 1000 };
    expect((await rejection(buildZip([bigger]))).field).toBe('zip.entry[0].size');
    const smaller: RawZipEntry = { ...deflatedEntry('w.bin', plain), size: 5000 };
    const error = await rejection(buildZip([smaller]));
    expect(error.field).toBe('zip.entry[0].size');
    expect(error.got).toBe('4096 bytes');
  });

  it('when the CRC does not match, then zip.entry[i].crc fails', async () => {
    const zip = buildZip([{ name: 'a.txt', data: text('hello'), crc: 1234 }]);
    expect((await rejection(zip)).field).toBe('zip.entry[0].crc');
  });

  it('when an entry is encrypted, then zip.entry[i].encrypted fails', async () => {
    const zip = buildZip([{ name: 'a.txt', data: text('hello'), flags: 0x0801 }]);
    expect((await rejection(zip)).field).toBe('zip.entry[0].encrypted');
  });

  it('when an entry uses another compression method, then zip.entry[i].method fails', async () => {
    const zip = buildZip([{ name: 'a.txt', data: text('hello'), method: 14 }]);
    expect((await rejection(zip)).field).toBe('zip.entry[0].method');
  });

  it('when the archive declares ZIP64 sizes, then zip.zip64 fails', async () => {
    const zip = buildZip([{ name: 'a.txt', data: text('hello'), size: 0xffffffff }]);
    expect((await rejection(zip)).field).toBe('zip.zip64');
  });

  it('when two entries overlap, then the archive is refused', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: text('hello') },
      { name: 'b.txt', data: text('world') },
    ]);
    // Point the second central entry at the first local header.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const cdOffset = view.getUint32(zip.length - 22 + 16, true);
    const secondCentral = cdOffset + 46 + 'a.txt'.length;
    view.setUint32(secondCentral + 42, 0, true);
    expect((await rejection(zip)).field).toMatch(/^zip\.entry\[\d\]\.offset$/);
  });

  it('when the bytes are not a zip or are cut short, then zip fails', async () => {
    expect((await rejection(text('definitely not a zip archive'))).field).toBe('zip');
    const zip = zipSync({ 'a.bin': new Uint8Array(2000).map((_, i) => i % 256) });
    const truncated = zip.subarray(0, zip.length - 30);
    expect((await rejection(truncated)).field).toMatch(/^zip/);
  });
});
