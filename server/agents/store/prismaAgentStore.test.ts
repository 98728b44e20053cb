import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase.ts';
import type { ValidationReport } from '../upload/validationReport.ts';
import type { NewAgent } from './agentStore.ts';
import { PrismaAgentStore } from './prismaAgentStore.ts';

const report: ValidationReport = { ok: true, checks: [{ id: 'size', label: 'size', status: 'passed' }] };
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function agent(name: string, ownerId?: string, extra: Partial<NewAgent> = {}): NewAgent {
  return {
    name,
    ...(ownerId === undefined ? {} : { ownerId }),
    format: 'npy-genome',
    architecture: 'sarenac-dqn-v1',
    manifest: { manifestVersion: 1, model: { format: 'npy-genome', file: 'w.npy' } },
    modelFile: 'w.npy',
    report,
    ...extra,
  };
}

describe('PrismaAgentStore', () => {
  let db: TestDatabase;
  let store: PrismaAgentStore;
  let clock: number;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.truncate();
    alice = (await db.prisma.user.create({ data: { name: 'alice', passwordHash: 'x' } })).id;
    bob = (await db.prisma.user.create({ data: { name: 'bob', passwordHash: 'x' } })).id;
    clock = Date.UTC(2026, 0, 1);
    store = new PrismaAgentStore(db.prisma, { now: () => new Date((clock += 1000)) });
  });

  it('when an agent is created, then its files are content-addressed rows, linked by name, and the record names them', async () => {
    const weights = new Uint8Array([1, 2, 3, 4]);
    const manifest = new TextEncoder().encode('{}');
    const record = await store.create(
      agent('A', alice),
      new Map([
        ['w.npy', weights],
        ['manifest.json', manifest],
      ]),
    );
    expect(record).toMatchObject({
      name: 'A',
      version: 1,
      ownerId: alice,
      ownerName: 'alice',
      status: 'ready',
      createdAt: '2026-01-01T00:00:01.000Z',
      format: 'npy-genome',
      architecture: 'sarenac-dqn-v1',
      report,
    });
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.files).toEqual([
      { name: 'manifest.json', sha256: sha(manifest), size: 2 },
      { name: 'w.npy', sha256: sha(weights), size: 4 },
    ]);
    expect(record.manifest).toEqual({
      manifestVersion: 1,
      model: { format: 'npy-genome', file: 'w.npy', sha256: sha(weights) },
    });
    const row = await db.prisma.agent.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.modelSha256).toBe(sha(weights));
    expect(await db.prisma.agentFile.count()).toBe(2);
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.readFile(sha(weights))).toEqual(weights);
    expect(await store.loadFiles(record.id)).toEqual(
      new Map([
        ['manifest.json', manifest],
        ['w.npy', weights],
      ]),
    );
  });

  it('when a second store (another process) reads the database, then it sees the same agents and files', async () => {
    const weights = new Uint8Array([9, 8, 7]);
    const record = await store.create(agent('A', alice), new Map([['w.npy', weights]]));
    const other = new PrismaAgentStore(db.prisma);
    expect(await other.get(record.id)).toEqual(record);
    expect(await other.loadFiles(record.id)).toEqual(new Map([['w.npy', weights]]));
  });

  it('when an owner uploads the same name again, then it is the next version; other owners and names count apart', async () => {
    const files = new Map([['w.npy', new Uint8Array([1])]]);
    const a1 = await store.create(agent('A', alice), files);
    const a2 = await store.create(agent('A', alice), files);
    const b1 = await store.create(agent('A', bob), files);
    const other = await store.create(agent('B', alice), files);
    expect([a1.version, a2.version, b1.version, other.version]).toEqual([1, 2, 1, 1]);
    // Versions are never reused, even after a delete.
    expect(await store.delete(a2.id, alice)).toBe('deleted');
    expect((await store.create(agent('A', alice), files)).version).toBe(3);
    // Concurrent uploads get distinct versions.
    const many = await Promise.all([1, 2, 3, 4].map(() => store.create(agent('C', bob), files)));
    expect(many.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
    // Listed newest first, deleted ones not at all.
    const list = await store.list();
    expect(list).toHaveLength(8);
    expect(list.map((r) => r.id)).not.toContain(a2.id);
    for (let i = 1; i < list.length; i++) expect(list[i - 1].createdAt >= list[i].createdAt).toBe(true);
  });

  it('when two agents share a file, then it is stored once and kept until neither uses it', async () => {
    const shared = new Uint8Array([5, 5, 5]);
    const extra = new Uint8Array([1]);
    const a = await store.create(agent('A', alice), new Map([['w.npy', shared]]));
    const b = await store.create(
      agent('B', bob),
      new Map([
        ['w.npy', shared],
        ['extra.bin', extra],
      ]),
    );
    expect(await db.prisma.agentFile.count()).toBe(2);

    expect(await store.delete(a.id, alice)).toBe('deleted');
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.loadFiles(a.id)).toBeUndefined();
    expect(await store.readFile(sha(shared))).toEqual(shared);
    // The row stays (races reference it), marked deleted, without links.
    expect(await db.prisma.agent.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'deleted' });
    expect(await db.prisma.agentFileLink.count({ where: { agentId: a.id } })).toBe(0);

    expect(await store.delete(b.id, bob)).toBe('deleted');
    expect(await db.prisma.agentFile.count()).toBe(0);
    expect(await store.readFile(sha(shared))).toBeUndefined();
    expect(await store.delete(b.id, bob)).toBe('not-found');
  });

  it('when someone else deletes or renames an agent, then forbidden; unknown ids are not found', async () => {
    const record = await store.create(agent('A', alice), new Map([['w.npy', new Uint8Array([1])]]));
    expect(await store.delete(record.id, bob)).toBe('forbidden');
    expect(await store.rename(record.id, bob, 'Mine now')).toEqual({ outcome: 'forbidden' });
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.delete('00000000-0000-4000-8000-000000000000', alice)).toBe('not-found');
    expect(await store.rename('../../etc/passwd', alice, 'x')).toEqual({ outcome: 'not-found' });
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(await store.readFile('../x')).toBeUndefined();
  });

  it('when the owner renames an agent, then it becomes the next version of the new name', async () => {
    const files = new Map([['w.npy', new Uint8Array([1])]]);
    await store.create(agent('B', alice), files);
    const a = await store.create(agent('A', alice), files);
    const renamed = await store.rename(a.id, alice, 'B');
    expect(renamed).toEqual({ outcome: 'renamed', record: { ...a, name: 'B', version: 2 } });
    // Renaming to its own name changes nothing.
    expect(await store.rename(a.id, alice, 'B')).toEqual(renamed);
    expect(await store.delete(a.id, alice)).toBe('deleted');
    expect(await store.rename(a.id, alice, 'C')).toEqual({ outcome: 'not-found' });
  });

  it('when a seed is created with a fixed id and no owner, then nobody can delete or rename it', async () => {
    const seed = await store.create(
      agent('Seed', undefined, { id: 'seed-test' }),
      new Map([['w.npy', new Uint8Array([7])]]),
    );
    expect(seed).toMatchObject({ id: 'seed-test', ownerId: null, ownerName: null, version: 1 });
    expect(await store.delete('seed-test', alice)).toBe('forbidden');
    expect(await store.rename('seed-test', alice, 'Mine')).toEqual({ outcome: 'forbidden' });
    expect(await store.get('seed-test')).toEqual(seed);
  });

  it('when a create fails, then nothing of it is stored', async () => {
    await expect(
      store.create(agent('A', alice, { modelFile: 'missing.npy' }), new Map([['w.npy', new Uint8Array([1])]])),
    ).rejects.toThrow(/missing\.npy/);
    // An unknown owner fails the record insert after the files were inserted: the transaction undoes them.
    await expect(
      store.create(agent('A', '00000000-0000-4000-8000-000000000000'), new Map([['w.npy', new Uint8Array([1])]])),
    ).rejects.toThrow();
    await expect(
      store.create(agent('A', undefined, { id: '../evil' }), new Map([['w.npy', new Uint8Array([1])]])),
    ).rejects.toThrow(/bad agent id/);
    expect(await db.prisma.agent.count()).toBe(0);
    expect(await db.prisma.agentFile.count()).toBe(0);
  });

  it('when a delete and creates sharing its file run at once, then the file stays for the agents that use it', async () => {
    const shared = new Uint8Array([3, 3, 3, 3]);
    const first = await store.create(agent('A', alice), new Map([['w.npy', shared]]));
    const [, ...created] = await Promise.all([
      store.delete(first.id, alice),
      ...[1, 2, 3].map(() => store.create(agent('B', bob), new Map([['w.npy', shared]]))),
    ]);
    for (const record of created) expect(await store.loadFiles(record.id)).toEqual(new Map([['w.npy', shared]]));
  });
});
