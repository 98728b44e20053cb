/**
 * The agent store on the database (prisma/schema.prisma: Agent, AgentFile, AgentFileLink), shared
 * by every server process and race worker thread.
 *
 *   AgentFile      file contents, content-addressed by SHA-256: stored once however many agents use them
 *   AgentFileLink  an agent's file under its upload name
 *   Agent          the record; status 'ready' or 'deleted' (deleted rows stay: races reference them)
 *
 * Creating stores the missing files, the links and the record in one transaction: a reader sees
 * the whole agent or none of it. Deleting marks the agent 'deleted', removes its links and the
 * files no link references any more, in one transaction. Two advisory locks keep concurrent
 * writers (other processes included) apart: creates hold the files lock shared, deletes hold it
 * exclusively, so a delete never collects a file a create is linking; and an owner's uploads of
 * one name take their version numbers one at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../../db/generated/client.ts';
import type { ValidationReport } from '../upload/validationReport.ts';
import {
  AGENT_ID_RE,
  SHA256_RE,
  sha256Hex,
  withModelSha,
  type AgentFileRef,
  type AgentRecord,
  type AgentStore,
  type DeleteOutcome,
  type NewAgent,
  type RenameOutcome,
} from './agentStore.ts';

/** Advisory lock key of the content-addressed files (shared: creates; exclusive: deletes). */
const FILES_LOCK = 'carracing-arena:agent-files';
/** Advisory lock key prefix of an owner's version numbers. */
const VERSION_LOCK = 'carracing-arena:agent-version:';

export interface PrismaAgentStoreOptions {
  /** Clock for createdAt. [default: new Date()] */
  readonly now?: () => Date;
  /** Longest a create or delete transaction may take, in ms (a create writes up to the upload limit). [default: 120 s] */
  readonly transactionTimeoutMs?: number;
}

type Tx = Prisma.TransactionClient;

const recordSelect = {
  id: true,
  name: true,
  version: true,
  ownerId: true,
  owner: { select: { name: true } },
  createdAt: true,
  format: true,
  architecture: true,
  manifest: true,
  report: true,
  status: true,
  files: { select: { name: true, sha256: true, file: { select: { size: true } } }, orderBy: { name: 'asc' } },
} as const satisfies Prisma.AgentSelect;

type AgentRow = Prisma.AgentGetPayload<{ select: typeof recordSelect }>;

export class PrismaAgentStore implements AgentStore {
  private readonly now: () => Date;
  private readonly timeout: number;

  constructor(
    private readonly prisma: PrismaClient,
    options: PrismaAgentStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.timeout = options.transactionTimeoutMs ?? 120_000;
  }

  async create(agent: NewAgent, files: ReadonlyMap<string, Uint8Array>): Promise<AgentRecord> {
    if (!files.has(agent.modelFile)) throw new Error(`model file ${agent.modelFile} is not among the files`);
    if (agent.id !== undefined && !AGENT_ID_RE.test(agent.id)) throw new Error(`bad agent id ${agent.id}`);
    const entries: { ref: AgentFileRef; bytes: Uint8Array }[] = [];
    for (const [name, bytes] of files)
      entries.push({ ref: { name, sha256: await sha256Hex(bytes), size: bytes.length }, bytes });
    const modelSha = entries.find((e) => e.ref.name === agent.modelFile)!.ref.sha256;
    const id = agent.id ?? randomUUID();
    const ownerId = agent.ownerId ?? null;

    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtext(${FILES_LOCK}))`;
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${VERSION_LOCK + (ownerId ?? '')}))`;
        const present = new Set(
          (
            await tx.agentFile.findMany({
              where: { sha256: { in: entries.map((e) => e.ref.sha256) } },
              select: { sha256: true },
            })
          ).map((f) => f.sha256),
        );
        const missing = new Map<string, Uint8Array>();
        for (const e of entries) if (!present.has(e.ref.sha256)) missing.set(e.ref.sha256, e.bytes);
        if (missing.size > 0) {
          await tx.agentFile.createMany({
            data: [...missing].map(([sha256, bytes]) => ({ sha256, bytes: asBytes(bytes), size: bytes.length })),
            skipDuplicates: true,
          });
        }
        await tx.agent.create({
          data: {
            id,
            ownerId,
            name: agent.name,
            version: await nextVersion(tx, ownerId, agent.name),
            format: agent.format,
            architecture: agent.architecture ?? null,
            manifest: withModelSha(agent.manifest, modelSha) as Prisma.InputJsonObject,
            modelSha256: modelSha,
            report: agent.report as unknown as Prisma.InputJsonObject,
            status: 'ready',
            createdAt: this.now(),
          },
        });
        await tx.agentFileLink.createMany({
          data: entries.map((e) => ({ agentId: id, name: e.ref.name, sha256: e.ref.sha256 })),
        });
      },
      { timeout: this.timeout, maxWait: this.timeout },
    );
    const record = await this.get(id);
    if (record === undefined) throw new Error(`agent ${id} vanished right after it was stored`);
    return record;
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    if (!AGENT_ID_RE.test(id)) return undefined;
    const row = await this.prisma.agent.findFirst({ where: { id, status: 'ready' }, select: recordSelect });
    return row === null ? undefined : toRecord(row);
  }

  async list(): Promise<AgentRecord[]> {
    const rows = await this.prisma.agent.findMany({
      where: { status: 'ready' },
      select: recordSelect,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
    return rows.map(toRecord);
  }

  async delete(id: string, userId: string): Promise<DeleteOutcome> {
    if (!AGENT_ID_RE.test(id)) return 'not-found';
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${FILES_LOCK}))`;
        const outcome = await ownedAgent(tx, id, userId);
        if (outcome !== 'owned') return outcome;
        await tx.agent.update({ where: { id }, data: { status: 'deleted' } });
        const links = await tx.agentFileLink.findMany({ where: { agentId: id }, select: { sha256: true } });
        await tx.agentFileLink.deleteMany({ where: { agentId: id } });
        const shas = [...new Set(links.map((l) => l.sha256))];
        if (shas.length > 0) await tx.agentFile.deleteMany({ where: { sha256: { in: shas }, links: { none: {} } } });
        return 'deleted';
      },
      { timeout: this.timeout, maxWait: this.timeout },
    );
  }

  async rename(id: string, userId: string, name: string): Promise<RenameOutcome> {
    if (!AGENT_ID_RE.test(id)) return { outcome: 'not-found' };
    const outcome = await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${VERSION_LOCK + userId}))`;
        const owned = await ownedAgent(tx, id, userId);
        if (owned !== 'owned') return owned;
        const current = await tx.agent.findUniqueOrThrow({ where: { id }, select: { name: true } });
        if (current.name !== name) {
          await tx.agent.update({ where: { id }, data: { name, version: await nextVersion(tx, userId, name) } });
        }
        return 'renamed' as const;
      },
      { timeout: this.timeout, maxWait: this.timeout },
    );
    if (outcome !== 'renamed') return { outcome };
    const record = await this.get(id);
    return record === undefined ? { outcome: 'not-found' } : { outcome, record };
  }

  async readFile(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256_RE.test(sha256)) return undefined;
    const row = await this.prisma.agentFile.findUnique({ where: { sha256 }, select: { bytes: true } });
    return row === null ? undefined : row.bytes;
  }

  async loadFiles(id: string): Promise<Map<string, Uint8Array> | undefined> {
    if (!AGENT_ID_RE.test(id)) return undefined;
    const row = await this.prisma.agent.findFirst({
      where: { id, status: 'ready' },
      select: { files: { select: { name: true, file: { select: { bytes: true } } }, orderBy: { name: 'asc' } } },
    });
    if (row === null) return undefined;
    return new Map(row.files.map((f) => [f.name, f.file.bytes]));
  }
}

/** 1 + the highest version of `name` the owner has had (deleted ones count: numbers are never reused). */
async function nextVersion(tx: Tx, ownerId: string | null, name: string): Promise<number> {
  const { _max } = await tx.agent.aggregate({ where: { ownerId, name }, _max: { version: true } });
  return (_max.version ?? 0) + 1;
}

/** Locks the agent's row and says whether `userId` may change it. */
async function ownedAgent(tx: Tx, id: string, userId: string): Promise<'owned' | 'not-found' | 'forbidden'> {
  const rows = await tx.$queryRaw<{ ownerId: string | null; status: string }[]>`
    SELECT "ownerId", status FROM "Agent" WHERE id = ${id} FOR UPDATE`;
  if (rows.length === 0 || rows[0].status !== 'ready') return 'not-found';
  return rows[0].ownerId !== null && rows[0].ownerId === userId ? 'owned' : 'forbidden';
}

function toRecord(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    ownerId: row.ownerId,
    ownerName: row.owner?.name ?? null,
    createdAt: row.createdAt.toISOString(),
    format: row.format,
    ...(row.architecture === null ? {} : { architecture: row.architecture }),
    manifest: row.manifest as Record<string, unknown>,
    files: row.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.file.size })),
    report: row.report as unknown as ValidationReport,
    status: 'ready',
  };
}

/** Prisma's Bytes: a Uint8Array on an ArrayBuffer (copied when it sits on a SharedArrayBuffer). */
function asBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
