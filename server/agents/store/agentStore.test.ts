import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../upload/validationReport.ts';
import { FileAgentStore, publicRecord, sha256Hex, type NewAgent } from './agentStore.ts';

const report: ValidationReport = { ok: true, checks: [{ id: 'size', label: 'size', status: 'passed' }] };
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function agent(name: string, modelFile = 'w.npy'): NewAgent {
  return {
    name,
    format: 'npy-genome',
    architecture: 'sarenac-dqn-v1',
    manifest: { manifestVersion: 1, model: { format: 'npy-genome', file: modelFile } },
    modelFile,
    report,
  };
}

describe('FileAgentStore', () => {
  let dir: string;
  let clock: number;
  let store: FileAgentStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agent-store-'));
    clock = Date.UTC(2026, 0, 1);
    store = new FileAgentStore(dir, { now: () => new Date((clock += 1000)) });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when an agent is created, then its files are content-addressed and the record names them', async () => {
    const weights = new Uint8Array([1, 2, 3, 4]);
    const manifest = new TextEncoder().encode('{}');
    const { record, ownerToken } = await store.create(
      agent('A'),
      new Map([
        ['w.npy', weights],
        ['manifest.json', manifest],
      ]),
    );
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.status).toBe('ready');
    expect(record.createdAt).toBe('2026-01-01T00:00:01.000Z');
    expect(record.files).toEqual([
      { name: 'w.npy', sha256: sha(weights), size: 4 },
      { name: 'manifest.json', sha256: sha(manifest), size: 2 },
    ]);
    expect(record.manifest).toEqual({
      manifestVersion: 1,
      model: { format: 'npy-genome', file: 'w.npy', sha256: sha(weights) },
    });
    expect(readFileSync(join(dir, 'agents/files', sha(weights)))).toEqual(Buffer.from(weights));
    expect(existsSync(join(dir, 'agents/records', `${record.id}.json`))).toBe(true);
    expect(record.ownerTokenHash).toBe(createHash('sha256').update(ownerToken).digest('hex'));
    expect(readdirSync(join(dir, 'agents/tmp'))).toEqual([]);
    expect(await store.get(record.id)).toEqual(record);
    expect(publicRecord(record)).not.toHaveProperty('ownerTokenHash');
  });

  it('when a second store (another process) reads the folder, then it sees the same agents and files', async () => {
    const weights = new Uint8Array([9, 8, 7]);
    const { record } = await store.create(agent('A'), new Map([['w.npy', weights]]));
    const other = new FileAgentStore(dir);
    expect(await other.get(record.id)).toEqual(record);
    expect(await other.loadFiles(record.id)).toEqual(new Map([['w.npy', weights]]));
    expect(await other.readFile(sha(weights))).toEqual(weights);
  });

  it('when two agents share a file, then it is stored once and kept until neither uses it', async () => {
    const shared = new Uint8Array([5, 5, 5]);
    const a = await store.create(agent('A'), new Map([['w.npy', shared]]));
    const b = await store.create(
      agent('B'),
      new Map([
        ['w.npy', shared],
        ['extra.bin', new Uint8Array([1])],
      ]),
    );
    expect(readdirSync(join(dir, 'agents/files')).sort()).toEqual([sha(shared), sha(new Uint8Array([1]))].sort());
    expect(await store.delete(a.record.id, a.ownerToken)).toBe('deleted');
    expect(existsSync(join(dir, 'agents/files', sha(shared)))).toBe(true);
    expect(await store.delete(b.record.id, b.ownerToken)).toBe('deleted');
    expect(readdirSync(join(dir, 'agents/files'))).toEqual([]);
    expect(readdirSync(join(dir, 'agents/records'))).toEqual([]);
  });

  it('when deleting with a wrong token, then it is forbidden and nothing is removed; an unknown id is not found', async () => {
    const { record } = await store.create(agent('A'), new Map([['w.npy', new Uint8Array([1])]]));
    expect(await store.delete(record.id, 'wrong')).toBe('forbidden');
    expect(await store.delete(record.id, '')).toBe('forbidden');
    expect(await store.get(record.id)).toBeDefined();
    expect(await store.delete('00000000-0000-4000-8000-000000000000', 'x')).toBe('not-found');
    expect(await store.delete('../../etc/passwd', 'x')).toBe('not-found');
  });

  it('when listing, then agents come newest first; get/readFile refuse malformed ids', async () => {
    const first = await store.create(agent('first'), new Map([['w.npy', new Uint8Array([1])]]));
    const second = await store.create(agent('second'), new Map([['w.npy', new Uint8Array([2])]]));
    expect((await store.list()).map((r) => r.name)).toEqual(['second', 'first']);
    expect((await new FileAgentStore(join(dir, 'empty')).list()).length).toBe(0);
    expect(await store.get('../records/x')).toBeUndefined();
    expect(await store.readFile('../records/whatever')).toBeUndefined();
    expect(await store.readFile(sha(new Uint8Array([42])))).toBeUndefined();
    expect(await store.loadFiles(second.record.id)).toEqual(new Map([['w.npy', new Uint8Array([2])]]));
    expect(first.ownerToken).not.toBe(second.ownerToken);
  });

  it('when creates and deletes overlap, then every surviving agent still has all its files', async () => {
    const shared = new Uint8Array([3, 1, 4, 1, 5]);
    const first = await store.create(agent('A'), new Map([['w.npy', shared]]));
    const [, created] = await Promise.all([
      store.delete(first.record.id, first.ownerToken),
      store.create(agent('B'), new Map([['w.npy', shared]])),
    ]);
    expect(await store.loadFiles(created.record.id)).toEqual(new Map([['w.npy', shared]]));
  });

  it('when the model file is not among the files, then create refuses', async () => {
    await expect(store.create(agent('A', 'missing.npy'), new Map([['w.npy', new Uint8Array(1)]]))).rejects.toThrow(
      /missing\.npy/,
    );
  });

  it('when the record cannot be written, then the files this create added are removed again', async () => {
    const kept = new Uint8Array([1, 1]);
    await store.create(agent('A'), new Map([['w.npy', kept]]));
    const recordsDir = join(dir, 'agents/records');
    rmSync(recordsDir, { recursive: true });
    writeFileSync(recordsDir, 'not a folder');
    const fresh = new Uint8Array([2, 2]);
    await expect(
      store.create(
        agent('B'),
        new Map([
          ['w.npy', fresh],
          ['old.npy', kept],
        ]),
      ),
    ).rejects.toThrow();
    expect(readdirSync(join(dir, 'agents/files'))).toEqual([sha(kept)]);
  });

  it('hashes like node:crypto', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 253);
    expect(await sha256Hex(bytes)).toBe(sha(bytes));
  });
});
