import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAgentStore } from '../agents/store/agentStore.ts';
import { validateUpload } from '../agents/upload/collectUpload.ts';
import type { AgentPackageInput, ValidatedAgent } from '../agents/upload/validateAgentPackage.ts';
import type { ValidationReportBuilder } from '../agents/upload/validationReport.ts';
import { buildZip } from '../agents/upload/zipBuilder.testutil.ts';
import type { Lobby } from '../lobby/lobby.ts';
import { createLogger } from '../log.ts';
import { createHttpApp } from './httpApp.ts';

/**
 * The package checks stand-in: a 'manifest' check that needs manifest.json (or the field) and
 * takes the model file from it, failing with an AgentFormatError-like report otherwise.
 */
async function fakePackageChecks(
  report: ValidationReportBuilder,
  input: AgentPackageInput,
): Promise<ValidatedAgent | undefined> {
  const manifest = await report.check('manifest', 'manifest', () => {
    const text = input.manifestText ?? new TextDecoder().decode(input.files.get('manifest.json') ?? new Uint8Array());
    const parsed = JSON.parse(text) as { model: { file: string } };
    if (!input.files.has(parsed.model.file)) throw new Error(`no ${parsed.model.file}`);
    return parsed;
  });
  if (manifest === undefined) return undefined;
  return {
    manifest: manifest as unknown as Record<string, unknown>,
    name: input.name ?? 'fake',
    format: 'npy-genome',
    architecture: 'sarenac-dqn-v1',
    modelFile: manifest.model.file,
  };
}

const manifestText = JSON.stringify({ model: { file: 'w.npy' } });
const weights = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

function form(files: [string, Uint8Array][], fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [name, bytes] of files) data.append('file', new Blob([bytes]), name);
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

describe('agent routes', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let stored: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-routes-'));
    stored = [];
    const app = createHttpApp({
      lobby: {} as Lobby, // the agent routes never touch the lobby
      log: createLogger('silent'),
      agents: {
        store: new FileAgentStore(dir),
        maxUploadBytes: 1000,
        validate: (files, fields, options) =>
          validateUpload(files, fields, { ...options, validatePackage: fakePackageChecks }),
        onAgentStored: (id) => {
          stored.push(id);
        },
      },
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: FormData | string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}/api/agents`, { method: 'POST', body, headers });

  function dataFolderIsEmpty(): boolean {
    const files = join(dir, 'agents/files');
    const records = join(dir, 'agents/records');
    return (
      (!existsSync(files) || readdirSync(files).length === 0) &&
      (!existsSync(records) || readdirSync(records).length === 0)
    );
  }

  it('when an agent is uploaded, then 201; it is listed, shown, and deleted only with its owner token', async () => {
    const res = await post(form([['w.npy', weights]], { name: 'Mine', manifest: manifestText }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; ownerToken: string; report: { ok: boolean }; agent: object };
    expect(body.report.ok).toBe(true);
    expect(body.agent).toMatchObject({ id: body.id, name: 'Mine', format: 'npy-genome', trial: null });
    expect(stored).toEqual([body.id]);

    const list = (await (await fetch(`${base}/api/agents`)).json()) as { id: string }[];
    expect(list.map((a) => a.id)).toEqual([body.id]);
    const shown = (await (await fetch(`${base}/api/agents/${body.id}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: body.id, name: 'Mine', status: 'ready', report: { ok: true } });
    expect(shown).not.toHaveProperty('ownerTokenHash');

    const del = (headers: Record<string, string>) =>
      fetch(`${base}/api/agents/${body.id}`, { method: 'DELETE', headers });
    expect((await del({})).status).toBe(403);
    expect((await del({ authorization: 'Bearer nope' })).status).toBe(403);
    expect((await del({ authorization: `Bearer ${body.ownerToken}` })).status).toBe(204);
    const gone = await fetch(`${base}/api/agents/${body.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect((await del({ authorization: `Bearer ${body.ownerToken}` })).status).toBe(404);
    expect(dataFolderIsEmpty()).toBe(true);
  });

  it('when a zip bundle is uploaded, then its files are stored, not the zip', async () => {
    const zip = zipSync({ agent: { 'manifest.json': new TextEncoder().encode(manifestText), 'w.npy': weights } });
    const res = await post(form([['agent.zip', zip]]));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const shown = (await (await fetch(`${base}/api/agents/${id}`)).json()) as { files: { name: string }[] };
    expect(shown.files.map((f) => f.name).sort()).toEqual(['manifest.json', 'w.npy']);
  });

  it('when a check fails, then 422 lists the failed check errors with the report, and nothing is stored', async () => {
    const res = await post(form([['w.npy', weights]], { manifest: '{"model":{"file":"other.npy"}}' }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string }[]; report: { ok: boolean; checks: object[] } };
    expect(body.report.ok).toBe(false);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].field).toBe('manifest');
    expect(dataFolderIsEmpty()).toBe(true);
    expect(stored).toEqual([]);
  });

  it('when a file is over the upload limit, then 422 with a failed size check naming it', async () => {
    const res = await post(form([['w.npy', new Uint8Array(5000)]], { manifest: manifestText }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { file: string; field: string; got: string }[] };
    expect(body.errors[0]).toMatchObject({ file: 'w.npy', field: 'files[0].size', got: '1001 bytes or more' });
    expect(dataFolderIsEmpty()).toBe(true);
  });

  it('when a body goes far past the limits, then the connection is cut and nothing is stored', async () => {
    // maxUploadBytes is 1000: the cap is 2 x 1000 + 64 KiB + 64 KiB of multipart overhead.
    const outcome = await post(form([['w.npy', new Uint8Array(4 * 1024 * 1024)]], { manifest: manifestText })).then(
      (res) => res.status,
      () => 'cut',
    );
    expect(outcome).toBe('cut');
    expect(dataFolderIsEmpty()).toBe(true);
    // The server still answers.
    expect((await fetch(`${base}/api/agents`)).status).toBe(200);
  });

  it('when files together are over the limit, then 422 with a failed size check', async () => {
    const res = await post(
      form(
        [
          ['a.bin', new Uint8Array(600)],
          ['b.bin', new Uint8Array(600)],
        ],
        { manifest: manifestText },
      ),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { report: { checks: { id: string; status: string }[] } };
    expect(body.report.checks[0]).toMatchObject({ id: 'size', status: 'failed' });
  });

  it('when a file name holds a path, then 422 on its name', async () => {
    const res = await post(form([['../w.npy', weights]], { manifest: manifestText }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors[0].field).toBe('files[0].name');
  });

  it('when a hostile zip is uploaded, then 422 on the zip check', async () => {
    const zip = buildZip([{ name: '../evil.txt', data: new TextEncoder().encode('x') }]);
    const res = await post(form([['agent.zip', zip]]));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string }[]; report: { checks: { id: string }[] } };
    expect(body.errors[0].field).toBe('zip.entry[0].name');
    expect(body.report.checks.map((c) => c.id)).toEqual(['size', 'zip']);
    expect(dataFolderIsEmpty()).toBe(true);
  });

  it('when the body is not multipart, then 415; when a field is malformed, then 400', async () => {
    const json = await post(JSON.stringify({ name: 'x' }), { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    const longName = await post(form([['w.npy', weights]], { name: 'x'.repeat(81), manifest: manifestText }));
    expect(longName.status).toBe(400);
    expect(await longName.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    const broken = await post('--nope\r\n', { 'content-type': 'multipart/form-data; boundary=nope' });
    expect(broken.status).toBe(400);
    expect(dataFolderIsEmpty()).toBe(true);
  });

  it('when more uploads than allowed are in flight, then the extra one gets 429', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const app = createHttpApp({
      lobby: {} as Lobby,
      log: createLogger('silent'),
      agents: {
        store: new FileAgentStore(dir),
        maxConcurrentUploads: 1,
        validate: async (files, fields, options) => {
          entered();
          await gate;
          return validateUpload(files, fields, { ...options, validatePackage: fakePackageChecks });
        },
      },
    });
    const gated = createServer(app);
    await new Promise<void>((resolve) => gated.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gated.address() as AddressInfo).port}/api/agents`;
    try {
      const body = () => form([['w.npy', weights]], { manifest: manifestText });
      const first = fetch(url, { method: 'POST', body: body() });
      await started;
      const second = await fetch(url, { method: 'POST', body: body() });
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ code: 'RATE_LIMITED' });
      release();
      expect((await first).status).toBe(201);
      expect((await fetch(url, { method: 'POST', body: body() })).status).toBe(201);
    } finally {
      release();
      await new Promise((resolve) => gated.close(resolve));
    }
  });

  it('when an unknown or malformed id is asked for, then 404', async () => {
    expect((await fetch(`${base}/api/agents/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${base}/api/agents/..%2F..%2Fetc`)).status).toBe(404);
    expect((await fetch(`${base}/api/agents`)).status).toBe(200);
  });
});
