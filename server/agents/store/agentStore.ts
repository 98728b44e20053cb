/**
 * Where uploaded agents live: their validated records and their files. The one implementation is
 * the database (PrismaAgentStore): every server process and race worker thread reads the same
 * rows. Agents belong to a user (by id); the arena's own agents (seeds) have no owner and nobody
 * may delete or rename them.
 */
import type { AgentFileRef, AgentRecord, ValidationReport } from '../../../shared/protocol/httpApi.ts';

/** A stored agent and its files, as GET /api/agents/:id serves it (the API type is the record). */
export type { AgentFileRef, AgentRecord };

export interface NewAgent {
  /** A fixed id (`seed-<name>` for the arena's seed agents); uploads get a random UUID. */
  readonly id?: string;
  /** The uploading user; absent for the arena's own agents (nobody may delete or rename those). */
  readonly ownerId?: string;
  readonly name: string;
  readonly format: string;
  readonly architecture?: string;
  readonly manifest: Record<string, unknown>;
  /** Name of the model file among the files: its hash goes into manifest.model.sha256. */
  readonly modelFile: string;
  readonly report: ValidationReport;
}

/** What an owner-only change came to: 'forbidden' when the user is not the owner (or there is none). */
export type DeleteOutcome = 'deleted' | 'not-found' | 'forbidden';
export type RenameOutcome =
  | { readonly outcome: 'renamed'; readonly record: AgentRecord }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'forbidden' };

export interface AgentStore {
  /** Stores the files and the record (all or nothing) and returns the record. */
  create(agent: NewAgent, files: ReadonlyMap<string, Uint8Array>): Promise<AgentRecord>;
  /** A ready (not deleted) agent. */
  get(id: string): Promise<AgentRecord | undefined>;
  /** Ready agents, newest first. */
  list(): Promise<AgentRecord[]>;
  /**
   * Deletes the agent when `userId` owns it: it is no longer listed, shown or loadable; its
   * files go when no other agent uses them.
   */
  delete(id: string, userId: string): Promise<DeleteOutcome>;
  /** Renames the agent when `userId` owns it; it becomes the next version of the new name. */
  rename(id: string, userId: string, name: string): Promise<RenameOutcome>;
  /** A stored file by its hash. */
  readFile(sha256: string): Promise<Uint8Array | undefined>;
  /** Every file of a ready agent by its name, for the runtime. */
  loadFiles(id: string): Promise<Map<string, Uint8Array> | undefined>;
}

export const SHA256_RE = /^[0-9a-f]{64}$/;
/** Agent ids: random UUIDs for uploads, `seed-<name>` and `house-<name>` for the seed and house agents. */
export const AGENT_ID_RE =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?:seed|house)-[a-z0-9-]{1,60})$/;

/** SHA-256 hex through WebCrypto, which hashes on the thread pool rather than the event loop. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString('hex');
}

/** The manifest with model.sha256 set. */
export function withModelSha(manifest: Record<string, unknown>, sha256: string): Record<string, unknown> {
  const model = manifest.model;
  const base = typeof model === 'object' && model !== null && !Array.isArray(model) ? model : {};
  return { ...manifest, model: { ...base, sha256 } };
}
