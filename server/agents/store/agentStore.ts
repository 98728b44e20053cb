/**
 * Where uploaded agents live: their validated records and their files. FileAgentStore keeps them
 * in a data folder every server process (and race worker thread) can read, until the database
 * issue replaces it:
 *
 *   <dataDir>/agents/files/<sha256>     file contents, content-addressed (stored once)
 *   <dataDir>/agents/records/<id>.json  one record per agent
 *   <dataDir>/agents/tmp/               files being written, renamed into place when complete
 *
 * Every write goes to tmp/ and is renamed into place (atomic on one file system), files before
 * the record that names them, so a reader in another process sees either no record or a record
 * whose files are all there. Deleting removes the record first, then the files no remaining
 * record references. Writes are serialised within this process; one process writes at a time.
 */
import { randomBytes, randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidationReport } from '../upload/validationReport.ts';

export interface AgentFileRef {
  /** The file's name in the upload (its path inside a zip bundle). */
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** model.format of the manifest. */
  readonly format: string;
  readonly architecture?: string;
  /** The effective manifest, with model.sha256 set to the stored model file's hash. */
  readonly manifest: Record<string, unknown>;
  readonly files: readonly AgentFileRef[];
  readonly report: ValidationReport;
  /**
   * SHA-256 (hex) of the owner token handed out once at creation. Accounts come with a later
   * issue; until then whoever holds the token owns the agent (may delete it).
   */
  readonly ownerTokenHash: string;
  readonly status: 'ready';
}

/** A record as the API shows it: everything but the owner token's hash. */
export type PublicAgentRecord = Omit<AgentRecord, 'ownerTokenHash'>;

export interface NewAgent {
  /** A fixed id (`seed-<name>` for the arena's seed agents); uploads get a random UUID. */
  readonly id?: string;
  readonly name: string;
  readonly format: string;
  readonly architecture?: string;
  readonly manifest: Record<string, unknown>;
  /** Name of the model file among the files: its hash goes into manifest.model.sha256. */
  readonly modelFile: string;
  readonly report: ValidationReport;
}

export type DeleteOutcome = 'deleted' | 'not-found' | 'forbidden';

export interface AgentStore {
  /** Stores the files and the record; returns it with the owner token (shown once). */
  create(agent: NewAgent, files: ReadonlyMap<string, Uint8Array>): Promise<{ record: AgentRecord; ownerToken: string }>;
  get(id: string): Promise<AgentRecord | undefined>;
  /** Newest first. */
  list(): Promise<AgentRecord[]>;
  /** Deletes the agent when `ownerToken` is its owner token, with the files no other agent uses. */
  delete(id: string, ownerToken: string): Promise<DeleteOutcome>;
  /** A stored file by its hash. */
  readFile(sha256: string): Promise<Uint8Array | undefined>;
  /** Every file of an agent by its name, for the runtime. */
  loadFiles(id: string): Promise<Map<string, Uint8Array> | undefined>;
}

export function publicRecord(record: AgentRecord): PublicAgentRecord {
  const { ownerTokenHash: _hidden, ...rest } = record;
  return rest;
}

const SHA256_RE = /^[0-9a-f]{64}$/;
/** Agent ids: random UUIDs for uploads, `seed-<name>` for the seed agents. Never a path. */
const AGENT_ID_RE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|seed-[a-z0-9-]{1,60})$/;

export interface FileAgentStoreOptions {
  /** Clock for createdAt. [default: new Date()] */
  readonly now?: () => Date;
}

export class FileAgentStore implements AgentStore {
  private readonly root: string;
  private readonly filesDir: string;
  private readonly recordsDir: string;
  private readonly tmpDir: string;
  private readonly now: () => Date;
  /** Serialises create and delete, so a delete never collects a file a create is about to reference. */
  private writes: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;

  constructor(dataDir: string, options: FileAgentStoreOptions = {}) {
    this.root = join(dataDir, 'agents');
    this.filesDir = join(this.root, 'files');
    this.recordsDir = join(this.root, 'records');
    this.tmpDir = join(this.root, 'tmp');
    this.now = options.now ?? (() => new Date());
  }

  /** The folder of the content-addressed files (for tests and tools). */
  get filesDirectory(): string {
    return this.filesDir;
  }

  /** The folder of the records (for tests and tools). */
  get recordsDirectory(): string {
    return this.recordsDir;
  }

  create(
    agent: NewAgent,
    files: ReadonlyMap<string, Uint8Array>,
  ): Promise<{ record: AgentRecord; ownerToken: string }> {
    return this.serialised(async () => {
      await this.ensureDirs();
      if (!files.has(agent.modelFile)) throw new Error(`model file ${agent.modelFile} is not among the files`);
      const refs: AgentFileRef[] = [];
      const written: string[] = [];
      try {
        for (const [name, bytes] of files) {
          const sha256 = await sha256Hex(bytes);
          refs.push({ name, sha256, size: bytes.length });
          if (await this.writeFileOnce(sha256, bytes)) written.push(sha256);
        }
        return await this.writeRecord(agent, refs);
      } catch (error) {
        // Nothing half-stored: the files this call added go again (no record can name them yet).
        for (const sha of written) await rm(this.filePath(sha), { force: true });
        throw error;
      }
    });
  }

  private async writeRecord(
    agent: NewAgent,
    refs: AgentFileRef[],
  ): Promise<{ record: AgentRecord; ownerToken: string }> {
    const modelSha = refs.find((r) => r.name === agent.modelFile)!.sha256;
    const ownerToken = randomBytes(32).toString('base64url');
    if (agent.id !== undefined && !AGENT_ID_RE.test(agent.id)) throw new Error(`bad agent id ${agent.id}`);
    const record: AgentRecord = {
      id: agent.id ?? randomUUID(),
      name: agent.name,
      createdAt: this.now().toISOString(),
      format: agent.format,
      ...(agent.architecture === undefined ? {} : { architecture: agent.architecture }),
      manifest: withModelSha(agent.manifest, modelSha),
      files: refs,
      report: agent.report,
      ownerTokenHash: hashToken(ownerToken),
      status: 'ready',
    };
    await this.writeAtomically(this.recordPath(record.id), new TextEncoder().encode(JSON.stringify(record, null, 2)));
    return { record, ownerToken };
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    if (!AGENT_ID_RE.test(id)) return undefined;
    return this.readRecord(this.recordPath(id));
  }

  async list(): Promise<AgentRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.recordsDir);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    const records: AgentRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const record = await this.readRecord(join(this.recordsDir, name));
      if (record !== undefined) records.push(record);
    }
    return records.sort((a, b) =>
      a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : b.createdAt.localeCompare(a.createdAt),
    );
  }

  delete(id: string, ownerToken: string): Promise<DeleteOutcome> {
    return this.serialised(async () => {
      const record = await this.get(id);
      if (record === undefined) return 'not-found';
      if (!tokenMatches(ownerToken, record.ownerTokenHash)) return 'forbidden';
      try {
        await unlink(this.recordPath(id));
      } catch (error) {
        if (isNotFound(error)) return 'not-found';
        throw error;
      }
      const stillUsed = new Set((await this.list()).flatMap((r) => r.files.map((f) => f.sha256)));
      for (const sha of new Set(record.files.map((f) => f.sha256))) {
        if (!stillUsed.has(sha)) await rm(this.filePath(sha), { force: true });
      }
      return 'deleted';
    });
  }

  async readFile(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256_RE.test(sha256)) return undefined;
    try {
      return new Uint8Array(await readFile(this.filePath(sha256)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async loadFiles(id: string): Promise<Map<string, Uint8Array> | undefined> {
    const record = await this.get(id);
    if (record === undefined) return undefined;
    const out = new Map<string, Uint8Array>();
    for (const ref of record.files) {
      const bytes = await this.readFile(ref.sha256);
      if (bytes === undefined) {
        // Deleted between reading the record and its files: the agent is gone.
        if ((await this.get(id)) === undefined) return undefined;
        throw new Error(`agent ${id}: file ${ref.name} (${ref.sha256}) is missing from the store`);
      }
      out.set(ref.name, bytes);
    }
    return out;
  }

  private recordPath(id: string): string {
    return join(this.recordsDir, `${id}.json`);
  }

  private filePath(sha256: string): string {
    return join(this.filesDir, sha256);
  }

  private async readRecord(path: string): Promise<AgentRecord | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as AgentRecord;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private ensureDirs(): Promise<void> {
    return (this.ready ??= (async () => {
      for (const dir of [this.filesDir, this.recordsDir, this.tmpDir]) await mkdir(dir, { recursive: true });
    })());
  }

  /** Content-addressed: a file already present has the same bytes and is kept. True when written. */
  private async writeFileOnce(sha256: string, bytes: Uint8Array): Promise<boolean> {
    const existing = await this.readFileSize(this.filePath(sha256));
    if (existing === bytes.length) return false;
    await this.writeAtomically(this.filePath(sha256), bytes);
    return true;
  }

  private async readFileSize(path: string): Promise<number | undefined> {
    try {
      return (await stat(path)).size;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Writes to tmp/, flushes, and renames into place: readers see the old state or the whole new file. */
  private async writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
    const tmp = join(this.tmpDir, `${randomUUID()}.tmp`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  private serialised<T>(run: () => Promise<T>): Promise<T> {
    const result = this.writes.then(run, run);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

/** SHA-256 hex through WebCrypto, which hashes on the thread pool rather than the event loop. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function tokenMatches(token: string, expectedHash: string): boolean {
  const got = Buffer.from(hashToken(token), 'hex');
  const want = Buffer.from(expectedHash, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

function withModelSha(manifest: Record<string, unknown>, sha256: string): Record<string, unknown> {
  const model = manifest.model;
  const base = typeof model === 'object' && model !== null && !Array.isArray(model) ? model : {};
  return { ...manifest, model: { ...base, sha256 } };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'ENOENT';
}
