import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import { PickleWriter } from '../../server/agents/formats/pickleWriter.testutil.ts';
import type { ValidationReport } from '../../server/agents/upload/validationReport.ts';
import { buildZip, zerosDeflateStream } from '../../server/agents/upload/zipBuilder.testutil.ts';
import { REPO_ROOT, SHARED_DIR } from '../support/referenceData.ts';
import { registerAndLogin, startTestArena, type LoggedIn } from './arenaHarness.ts';

const DQN_DIR = resolve(SHARED_DIR, 'seed-agents/sarenac-dqn');
const DQN_SHA256 = '7238875b16394fc66fe37af0e8c7bd62317da0a276809f56bedc687a049ae515';
const dqnWeights = new Uint8Array(readFileSync(join(DQN_DIR, 'weights.f32.npy')));
const dqnManifest = new Uint8Array(readFileSync(join(DQN_DIR, 'manifest.json')));
const GA_MANIFEST = resolve(SHARED_DIR, 'seed-agents/jankowski-ga/genome-2019-12-26-I1995-S466.manifest.json');
const WHOLE_MODULE_PT = resolve(SHARED_DIR, 'seed-agents/fixtures/torch-whole-module_convnet_REJECT.pt');
const STATE_INPUT_ONNX = resolve(REPO_ROOT, 'test/fixtures/onnx/state-input.onnx');
const TINY_CONV_MANIFEST = resolve(REPO_ROOT, 'test/fixtures/onnx/tiny-conv-policy.manifest.json');
/** The seed genome's data starts after its 128-byte header (agents.md §6.1). */
const NPY_DATA_START = 128;

interface UploadResponse {
  id?: string;
  report: ValidationReport;
  errors?: { file: string; field: string; expected: string; got: string }[];
  agent?: Record<string, unknown>;
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** A 1-D `<f4` .npy whose header declares `length` elements; `data` is written as is. */
function npy(length: number, data: Uint8Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${length},), }`;
  header = header.padEnd(64 * Math.ceil((header.length + 11) / 64) - 11, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

/** The GA seed's manifest turned into one for a torch state_dict of jankowski-convnet-v1. */
function torchConvnetManifest(file: string): Uint8Array {
  const m = JSON.parse(readFileSync(GA_MANIFEST, 'utf8')) as { model: Record<string, unknown> };
  m.model = { format: 'torch-state-dict', file, architecture: 'jankowski-convnet-v1' };
  return json(m);
}

/** A torch zip-format .pt whose data.pkl calls os.system('touch /tmp/pwned'). */
function osSystemPt(): Uint8Array {
  const pkl = new PickleWriter()
    .proto(2)
    .global('os', 'system')
    .mark()
    .str('touch /tmp/pwned')
    .tuple()
    .reduce()
    .stop()
    .bytes();
  const enc = new TextEncoder();
  return zipSync(
    { archive: { 'data.pkl': pkl, version: enc.encode('3\n'), byteorder: enc.encode('little') } },
    { level: 0 },
  );
}

function form(files: [string, Uint8Array][], fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [name, bytes] of files) data.append('file', new Blob([bytes]), name);
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

/** How many agent records and stored files the arena's database holds. */
async function storedCounts(arena: Arena): Promise<{ agents: number; files: number }> {
  const { prisma } = arena.database;
  return { agents: await prisma.agent.count(), files: await prisma.agentFile.count() };
}

async function startArenaForUploads(): Promise<Arena> {
  return startTestArena({ RACE_WORKERS: '0' });
}

describe('uploading agents over HTTP', () => {
  let arena: Arena;
  let base: string;
  let owner: LoggedIn;
  beforeAll(async () => {
    arena = await startArenaForUploads();
    base = `http://127.0.0.1:${arena.port}`;
    owner = await registerAndLogin(arena);
  });
  afterAll(async () => {
    await arena.close();
  });

  const upload = async (
    body: FormData,
    headers: Record<string, string> = owner.headers,
  ): Promise<{ status: number; body: UploadResponse }> => {
    const res = await fetch(`${base}/api/agents`, { method: 'POST', body, headers });
    return { status: res.status, body: (await res.json()) as UploadResponse };
  };

  it('when a guest uploads, then 401 UNAUTHORIZED and nothing is stored', async () => {
    const res = await fetch(`${base}/api/agents`, {
      method: 'POST',
      body: form([
        ['weights.f32.npy', dqnWeights],
        ['manifest.json', dqnManifest],
      ]),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED', message: 'log in to upload an agent' });
    expect(await storedCounts(arena)).toEqual({ agents: 0, files: 0 });
  });

  // Needs the package checks (validateAgentPackage) and the DQN runtime.
  it('when a user uploads the seed DQN, then every check passes, it is listed as theirs, stored by hash, renamed and deleted only by them', async () => {
    const { status, body } = await upload(
      form([
        ['weights.f32.npy', dqnWeights],
        ['manifest.json', dqnManifest],
      ]),
    );
    expect(status, JSON.stringify(body.errors)).toBe(201);
    expect(body.report.ok).toBe(true);
    expect(body.report.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(body.report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['size', 'zip', 'manifest', 'trial']));
    expect(body.report.trial).toMatchObject({ steps: 300 });
    expect(body.report.trial!.latencyP50Ms).toBeGreaterThan(0);
    expect(body.report.trial!.latencyP99Ms).toBeGreaterThanOrEqual(body.report.trial!.latencyP50Ms);
    const id = body.id!;

    const list = (await (await fetch(`${base}/api/agents`)).json()) as Record<string, unknown>[];
    expect(list.find((a) => a.id === id)).toMatchObject({
      name: 'Sarenac DQN',
      version: 1,
      ownerName: owner.name,
      format: 'npy-genome',
      architecture: 'sarenac-dqn-v1',
      trial: { steps: 300 },
    });
    const shown = (await (await fetch(`${base}/api/agents/${id}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({
      id,
      status: 'ready',
      ownerId: owner.id,
      report: { ok: true },
      manifest: { model: { sha256: DQN_SHA256 } },
    });
    expect(body).not.toHaveProperty('ownerToken');

    const { prisma } = arena.database;
    const row = await prisma.agentFile.findUniqueOrThrow({ where: { sha256: DQN_SHA256 } });
    expect(createHash('sha256').update(row.bytes).digest('hex')).toBe(DQN_SHA256);
    expect(await prisma.agent.findUniqueOrThrow({ where: { id } })).toMatchObject({
      ownerId: owner.id,
      modelSha256: DQN_SHA256,
      status: 'ready',
    });
    // Buffer.equals, not toEqual: a deep comparison of 1.7 MB takes seconds.
    const files = (await arena.agentStore.loadFiles(id))!;
    expect([...files.keys()].sort()).toEqual(['manifest.json', 'weights.f32.npy']);
    expect(Buffer.from(files.get('weights.f32.npy')!).equals(Buffer.from(dqnWeights))).toBe(true);
    expect(Buffer.from(files.get('manifest.json')!).equals(Buffer.from(dqnManifest))).toBe(true);

    const other = await registerAndLogin(arena);
    const rename = (headers: Record<string, string>) =>
      fetch(`${base}/api/agents/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'My DQN' }),
      });
    expect((await rename({})).status).toBe(401);
    expect((await rename(other.headers)).status).toBe(403);
    const renamed = await rename(owner.headers);
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id, name: 'My DQN', ownerName: owner.name });

    const del = (headers: Record<string, string>) => fetch(`${base}/api/agents/${id}`, { method: 'DELETE', headers });
    expect((await del({})).status).toBe(401);
    expect((await del(other.headers)).status).toBe(403);
    expect((await del(owner.headers)).status).toBe(204);
    expect((await fetch(`${base}/api/agents/${id}`)).status).toBe(404);
    expect((await del(owner.headers)).status).toBe(404);
    // The record stays for the races that name it, marked deleted; its files are gone.
    expect(await prisma.agent.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'deleted' });
    expect(await storedCounts(arena)).toEqual({ agents: 1, files: 0 });
  }, 120_000);

  // Needs the package checks (validateAgentPackage) and the DQN runtime.
  it('when the seed DQN comes as a zip bundle of its folder, then it is accepted', async () => {
    const zip = zipSync({ 'sarenac-dqn': { 'weights.f32.npy': dqnWeights, 'manifest.json': dqnManifest } });
    const { status, body } = await upload(form([['sarenac-dqn.zip', zip]], { name: 'Zipped DQN' }));
    expect(status, JSON.stringify(body.errors)).toBe(201);
    expect(body.report.checks.find((c) => c.id === 'zip')?.detail).toMatch(/^sarenac-dqn\.zip: 2 files/);
    expect(body.agent).toMatchObject({ name: 'Zipped DQN', architecture: 'sarenac-dqn-v1', ownerName: owner.name });
    expect(await arena.database.prisma.agentFile.count({ where: { sha256: DQN_SHA256 } })).toBe(1);
  }, 120_000);
});

describe('hostile uploads are refused with a specific error and nothing is stored', () => {
  let arena: Arena;
  let base: string;
  let user: LoggedIn;
  beforeAll(async () => {
    arena = await startArenaForUploads();
    base = `http://127.0.0.1:${arena.port}`;
    user = await registerAndLogin(arena);
  });
  afterAll(async () => {
    await arena.close();
  });

  /** Uploads as a user, expects 422 failing `checkId` on `field`, and no agent nor file stored; returns the error. */
  async function expectRefused(body: FormData, checkId: string, field: string | RegExp) {
    const res = await fetch(`${base}/api/agents`, { method: 'POST', body, headers: user.headers });
    const payload = (await res.json()) as UploadResponse;
    expect(res.status, JSON.stringify(payload)).toBe(422);
    expect(payload.report.ok).toBe(false);
    const failed = payload.report.checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toEqual([checkId]);
    expect(payload.errors).toHaveLength(1);
    expect(payload.errors![0].field).toMatch(typeof field === 'string' ? new RegExp(`^${escape(field)}$`) : field);
    expect(await storedCounts(arena)).toEqual({ agents: 0, files: 0 });
    return payload.errors![0];
  }

  it('a zip bomb (150 MiB of zeros declared, ~150 KiB sent)', async () => {
    const zip = buildZip([
      { name: 'manifest.json', data: dqnManifest },
      { name: 'weights.f32.npy', data: zerosDeflateStream(150), method: 8, size: 150 * 1024 * 1024, crc: 0 },
    ]);
    const error = await expectRefused(form([['bomb.zip', zip]]), 'zip', 'zip.ratio');
    expect(error.file).toBe('bomb.zip');
  });

  it('a zip with a path traversal entry', async () => {
    const zip = buildZip([
      { name: 'manifest.json', data: dqnManifest },
      { name: 'weights.f32.npy', data: dqnWeights },
      { name: '../evil.txt', data: new TextEncoder().encode('evil') },
    ]);
    const error = await expectRefused(form([['agent.zip', zip]]), 'zip', 'zip.entry[2].name');
    expect(error.got).toBe('"../evil.txt"');
  });

  // The rest need the package checks (validateAgentPackage).
  it('a truncated .npy (the DQN weights cut in half)', async () => {
    const half = dqnWeights.subarray(0, Math.floor(dqnWeights.length / 2));
    const error = await expectRefused(
      form([
        ['weights.f32.npy', half],
        ['manifest.json', dqnManifest],
      ]),
      'model',
      'data',
    );
    expect(error.file).toBe('weights.f32.npy');
    expect(error.got).toMatch(/truncated/);
  });

  it('a genome of the wrong length (1000 floats for the DQN)', async () => {
    const error = await expectRefused(
      form([
        ['weights.f32.npy', npy(1000, new Uint8Array(4000))],
        ['manifest.json', dqnManifest],
      ]),
      'model',
      'shape',
    );
    expect(error.got).toMatch(/^1000 elements/);
  });

  it('NaN weights (the DQN weights with one NaN)', async () => {
    const poisoned = dqnWeights.slice();
    new DataView(poisoned.buffer).setFloat32(NPY_DATA_START + 4 * 1000, Number.NaN, true);
    const error = await expectRefused(
      form([
        ['weights.f32.npy', poisoned],
        ['manifest.json', dqnManifest],
      ]),
      'weights',
      /^genome\[1000\]/,
    );
    expect(error.got).toBe('NaN');
  });

  it('a whole-module pickle (torch.save(model))', async () => {
    const error = await expectRefused(
      form([
        ['convnet.pt', new Uint8Array(readFileSync(WHOLE_MODULE_PT))],
        ['manifest.json', torchConvnetManifest('convnet.pt')],
      ]),
      'model',
      'pickle.global',
    );
    expect(error.got).toMatch(/nn\.conv\.ConvNet/);
  });

  it('a pickle calling os.system', async () => {
    const error = await expectRefused(
      form([
        ['evil.pt', osSystemPt()],
        ['manifest.json', torchConvnetManifest('evil.pt')],
      ]),
      'model',
      'pickle.global',
    );
    expect(error.got).toMatch(/os\.system/);
  });

  it('an ONNX model whose input is not an image', async () => {
    const manifest = JSON.parse(readFileSync(TINY_CONV_MANIFEST, 'utf8')) as { model: Record<string, unknown> };
    manifest.model = { format: 'onnx', file: 'state-input.onnx' };
    const error = await expectRefused(
      form([
        ['state-input.onnx', new Uint8Array(readFileSync(STATE_INPUT_ONNX))],
        ['manifest.json', json(manifest)],
      ]),
      'shapes',
      'input shape',
    );
    expect(error.file).toBe('state-input.onnx');
  });

  it('a tensor header declaring 2 GB (shape (536870912,) float32, a small file)', async () => {
    const error = await expectRefused(
      form([
        ['weights.f32.npy', npy(536_870_912, new Uint8Array(4096))],
        ['manifest.json', dqnManifest],
      ]),
      'model',
      'shape',
    );
    expect(error.got).toMatch(/536870912/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
