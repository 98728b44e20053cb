/**
 * `--upload URL`: sends a trained agent folder (manifest.json and the files it names) to a
 * running arena through its HTTP API: `POST /api/login` (or `/api/register` first with
 * `register`), then `POST /api/agents` as multipart with the session cookie. The arena runs its
 * full validation (shapes, probe frames, a 300-step trial) before it accepts the agent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface UploadOptions {
  /** Arena base URL, e.g. http://localhost:3000 */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Register the account when the login is refused. */
  readonly register?: boolean;
  /** Agent name on the arena. [default: the manifest's] */
  readonly name?: string;
}

export interface UploadResult {
  readonly id: string;
  readonly name: string;
  readonly version?: number;
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Logs in (registering first when asked and needed) and returns the session cookie. */
export async function arenaLogin(options: UploadOptions): Promise<string> {
  const base = options.url.replace(/\/+$/, '');
  const credentials = { name: options.user, password: options.password };
  let res = await postJson(`${base}/api/login`, credentials);
  if (res.status === 401 && options.register === true) {
    const reg = await postJson(`${base}/api/register`, credentials);
    if (reg.status !== 201) throw new UploadError(`register ${options.user}: ${reg.status} ${await reg.text()}`);
    res = await postJson(`${base}/api/login`, credentials);
  }
  if (res.status !== 200) throw new UploadError(`login ${options.user}: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (cookies.length === 0) throw new UploadError('login answered without a session cookie');
  return cookies.join('; ');
}

/** The files of an agent folder: manifest.json and everything else beside it (sub-folders left out). */
export function readAgentFolder(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile()) files.set(e.name, readFileSync(join(dir, e.name)));
  }
  if (!files.has('manifest.json')) throw new UploadError(`${dir} has no manifest.json`);
  return files;
}

export async function uploadAgentFolder(dir: string, options: UploadOptions): Promise<UploadResult> {
  const cookie = await arenaLogin(options);
  const files = readAgentFolder(dir);
  const form = new FormData();
  for (const [name, bytes] of files) form.append('file', new Blob([bytes]), name);
  if (options.name !== undefined) form.append('name', options.name);
  const base = options.url.replace(/\/+$/, '');
  const res = await fetch(`${base}/api/agents`, { method: 'POST', headers: { cookie }, body: form });
  const text = await res.text();
  if (res.status !== 201) throw new UploadError(`upload refused: ${res.status} ${text}`);
  const body = JSON.parse(text) as { id: string; agent: { name: string; version?: number } };
  return {
    id: body.id,
    name: body.agent.name,
    ...(body.agent.version === undefined ? {} : { version: body.agent.version }),
  };
}
