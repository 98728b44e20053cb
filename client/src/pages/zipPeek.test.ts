import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { peekZip, stripCommonFolder } from './zipPeek.ts';

function zipFile(entries: Record<string, Uint8Array>, name = 'agent.zip'): File {
  return new File([zipSync(entries)], name);
}

describe('peekZip', () => {
  it('lists the entries as the server will name them and reads manifest.json', async () => {
    const peek = await peekZip(
      zipFile({
        'my-agent/': new Uint8Array(0),
        'my-agent/manifest.json': strToU8(
          JSON.stringify({ name: 'Zipped', model: { format: 'onnx', file: 'p.onnx' } }),
        ),
        'my-agent/p.onnx': new Uint8Array([1, 2, 3]),
        '__MACOSX/my-agent/._p.onnx': new Uint8Array([0]),
      }),
    );
    expect(peek.entries).toEqual(['manifest.json', 'p.onnx']);
    expect(peek.manifest).toEqual({ name: 'Zipped', model: { format: 'onnx', file: 'p.onnx' } });
  });

  it('says when the manifest is not JSON, and has none to read in a bare bundle', async () => {
    const broken = await peekZip(zipFile({ 'manifest.json': strToU8('{ nope'), 'w.npy': new Uint8Array(4) }));
    expect(broken.entries).toEqual(['manifest.json', 'w.npy']);
    expect(broken.manifestError).toMatch(/^manifest\.json is not valid JSON/);
    const bare = await peekZip(zipFile({ 'model.onnx': new Uint8Array(4) }));
    expect(bare).toEqual({ entries: ['model.onnx'] });
  });

  it('rejects what is not a zip', async () => {
    await expect(peekZip(new File([strToU8('plain text')], 'x.zip'))).rejects.toThrow();
  });
});

describe('stripCommonFolder', () => {
  it('strips only a folder every entry shares', () => {
    expect(stripCommonFolder(['a/x', 'a/y/z'])).toEqual(['x', 'y/z']);
    expect(stripCommonFolder(['a/x', 'b/y'])).toEqual(['a/x', 'b/y']);
    expect(stripCommonFolder([])).toEqual([]);
  });
});
