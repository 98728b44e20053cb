import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import { zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { PrismaAgentStore } from '../agents/store/prismaAgentStore.ts';
import { validateUpload } from '../agents/upload/collectUpload.ts';
import type { AgentPackageInput, ValidatedAgent } from '../agents/upload/validateAgentPackage.ts';
import type { ValidationReportBuilder } from '../agents/upload/validationReport.ts';
import { buildZip } from '../agents/upload/zipBuilder.testutil.ts';
import type { Lobby } from '../lobby/lobby.ts';
import { createLogger } from '../log.ts';
import type { AccountUser } from '../accounts/accountService.ts';
import { createHttpApp, type HttpAppOptions } from './httpApp.ts';

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

/**
 * TEST WIRING ONLY: stands in for the session middleware (attachCurrentUser of currentUser.ts),
 * setting `res.locals.user` from an `x-test-user: <id>:<name>` header, so these tests drive the
 * routes as a logged-in user or a guest without the accounts API.
 */
const testUserFromHeader: RequestHandler = (req, res, next) => {
  const header = req.headers['x-test-user'];
  if (typeof header === 'string') {
    const [id, name] = header.split(':');
    res.locals.user = { id, name } satisfies AccountUser;
  }
  next();
};

/** The arena's app behind the test-only user middleware. */
function appWithTestUsers(options: HttpAppOptions): Express {
  const outer = express();
  outer.use(testUserFromHeader);
  outer.use(createHttpApp(options));
  return outer;
}

describe('agent routes', () => {
  let db: TestDatabase;
  let server: Server;
  let base: string;
  let stored: string[];
  let deleted: string[];
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await db.truncate();
    const a = await db.prisma.user.create({ data: { name: 'alice', passwordHash: 'x' } });
    const b = await db.prisma.user.create({ data: { name: 'bob', passwordHash: 'x' } });
    alice = { 'x-test-user': `${a.id}:alice` };
    bob = { 'x-test-user': `${b.id}:bob` };
    stored = [];
    deleted = [];
    const app = appWithTestUsers({
      lobby: {} as Lobby, // the agent routes never touch the lobby
      log: createLogger('silent'),
      agents: {
        store: new PrismaAgentStore(db.prisma),
        maxUploadBytes: 1000,
        validate: (files, fields, options) =>
          validateUpload(files, fields, { ...options, validatePackage: fakePackageChecks }),
        onAgentStored: (id) => {
          stored.push(id);
        },
        onAgentDeleted: (id) => {
          deleted.push(id);
        },
      },
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Uploads as alice unless other headers are given. */
  const post = (body: FormData | string, headers: Record<string, string> = alice): Promise<Response> =>
    fetch(`${base}/api/agents`, { method: 'POST', body, headers });

  async function nothingStored(): Promise<boolean> {
    return (await db.prisma.agent.count()) === 0 && (await db.prisma.agentFile.count()) === 0;
  }

  it('when a user uploads an agent, then 201; it is listed with its owner and version, shown, and deleted only by its owner', async () => {
    const res = await post(form([['w.npy', weights]], { name: 'Mine', manifest: manifestText }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; report: { ok: boolean }; agent: object };
    expect(body).not.toHaveProperty('ownerToken');
    expect(body.report.ok).toBe(true);
    expect(body.agent).toMatchObject({
      id: body.id,
      name: 'Mine',
      version: 1,
      ownerName: 'alice',
      format: 'npy-genome',
      trial: null,
    });
    expect(stored).toEqual([body.id]);

    const list = (await (await fetch(`${base}/api/agents`)).json()) as { id: string }[];
    expect(list.map((a) => a.id)).toEqual([body.id]);
    const shown = (await (await fetch(`${base}/api/agents/${body.id}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({
      id: body.id,
      name: 'Mine',
      version: 1,
      ownerName: 'alice',
      status: 'ready',
      report: { ok: true },
    });

    const del = (headers: Record<string, string>) =>
      fetch(`${base}/api/agents/${body.id}`, { method: 'DELETE', headers });
    const guest = await del({});
    expect(guest.status).toBe(401);
    expect(await guest.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const other = await del(bob);
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(deleted).toEqual([]);
    expect((await del(alice)).status).toBe(204);
    expect(deleted).toEqual([body.id]);
    const gone = await fetch(`${base}/api/agents/${body.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect((await del(alice)).status).toBe(404);
    expect(await db.prisma.agentFile.count()).toBe(0);
    expect(await db.prisma.agent.findUniqueOrThrow({ where: { id: body.id } })).toMatchObject({ status: 'deleted' });
  });

  it('when the same user uploads the same name again, then it is version 2', async () => {
    const upload = async () =>
      (
        (await (await post(form([['w.npy', weights]], { name: 'Twice', manifest: manifestText }))).json()) as {
          agent: { version: number };
        }
      ).agent.version;
    expect(await upload()).toBe(1);
    expect(await upload()).toBe(2);
  });

  it('when a guest uploads, then 401 UNAUTHORIZED and nothing is stored', async () => {
    const res = await post(form([['w.npy', weights]], { manifest: manifestText }), {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED', message: 'log in to upload an agent' });
    expect(await nothingStored()).toBe(true);
    expect(stored).toEqual([]);
  });

  it('when the owner renames an agent, then 200 with the record; others get 403, guests 401, bad names 400', async () => {
    const { id } = (await (await post(form([['w.npy', weights]], { name: 'Old', manifest: manifestText }))).json()) as {
      id: string;
    };
    stored.length = 0;
    const patch = (body: unknown, headers: Record<string, string>, agentId = id) =>
      fetch(`${base}/api/agents/${agentId}`, {
        method: 'PATCH',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      });
    expect((await patch({ name: 'New' }, {})).status).toBe(401);
    const forbidden = await patch({ name: 'New' }, bob);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
    for (const bad of [
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(81) },
      {},
      { name: 3 },
      { name: 'a', extra: 1 },
    ]) {
      const res = await patch(bad, alice);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    }
    expect((await patch({ name: 'New' }, alice, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(stored).toEqual([]);

    const res = await patch({ name: '  New  ' }, alice);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, name: 'New', version: 1, ownerName: 'alice', status: 'ready' });
    expect(stored).toEqual([id]);
    expect(await (await fetch(`${base}/api/agents/${id}`)).json()).toMatchObject({ name: 'New' });
  });

  it("when someone deletes or renames the arena's own agent, then 403", async () => {
    await new PrismaAgentStore(db.prisma).create(
      {
        id: 'seed-test',
        name: 'Seed',
        format: 'npy-genome',
        manifest: JSON.parse(manifestText) as Record<string, unknown>,
        modelFile: 'w.npy',
        report: { ok: true, checks: [] },
      },
      new Map([['w.npy', weights]]),
    );
    expect((await fetch(`${base}/api/agents/seed-test`, { method: 'DELETE', headers: alice })).status).toBe(403);
    const rename = await fetch(`${base}/api/agents/seed-test`, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Mine' }),
      headers: { 'content-type': 'application/json', ...alice },
    });
    expect(rename.status).toBe(403);
    expect(await (await fetch(`${base}/api/agents/seed-test`)).json()).toMatchObject({ name: 'Seed', ownerName: null });
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
    expect(await nothingStored()).toBe(true);
    expect(stored).toEqual([]);
  });

  it('when a file is over the upload limit, then 422 with a failed size check naming it', async () => {
    const res = await post(form([['w.npy', new Uint8Array(5000)]], { manifest: manifestText }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { file: string; field: string; got: string }[] };
    expect(body.errors[0]).toMatchObject({ file: 'w.npy', field: 'files[0].size', got: '1001 bytes or more' });
    expect(await nothingStored()).toBe(true);
  });

  it('when a body goes far past the limits, then the connection is cut and nothing is stored', async () => {
    // maxUploadBytes is 1000: the cap is 2 x 1000 + 64 KiB + 64 KiB of multipart overhead.
    const outcome = await post(form([['w.npy', new Uint8Array(4 * 1024 * 1024)]], { manifest: manifestText })).then(
      (res) => res.status,
      () => 'cut',
    );
    expect(outcome).toBe('cut');
    expect(await nothingStored()).toBe(true);
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
    expect(await nothingStored()).toBe(true);
  });

  it('when the body is not multipart, then 415; when a field is malformed, then 400', async () => {
    const json = await post(JSON.stringify({ name: 'x' }), { ...alice, 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    const longName = await post(form([['w.npy', weights]], { name: 'x'.repeat(81), manifest: manifestText }));
    expect(longName.status).toBe(400);
    expect(await longName.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    const broken = await post('--nope\r\n', { ...alice, 'content-type': 'multipart/form-data; boundary=nope' });
    expect(broken.status).toBe(400);
    expect(await nothingStored()).toBe(true);
  });

  it('when more uploads than allowed are in flight, then the extra one gets 429', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const app = appWithTestUsers({
      lobby: {} as Lobby,
      log: createLogger('silent'),
      agents: {
        store: new PrismaAgentStore(db.prisma),
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
      const first = fetch(url, { method: 'POST', body: body(), headers: alice });
      await started;
      const second = await fetch(url, { method: 'POST', body: body(), headers: alice });
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ code: 'RATE_LIMITED' });
      release();
      expect((await first).status).toBe(201);
      expect((await fetch(url, { method: 'POST', body: body(), headers: alice })).status).toBe(201);
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
