/**
 * The results sink the arena uses: the database when it answers, a folder on disk when it does
 * not, so that no finished race is lost to a database outage.
 *
 * - `save` writes the race to the database (PrismaResultsSink). When that fails, the results go
 *   to `<dir>/<raceId>.json` (temp file, fsync, rename: a file there is always whole), and a
 *   retry with exponential backoff (retryInitialMs doubling up to retryMaxMs) writes them later.
 * - While files wait, newer races queue behind them on disk, so ratings are applied in the order
 *   the races finished (the file keeps the finish time; Race.finishedAt is that time).
 * - `start` drains what an earlier run left (call it at start-up); the writes are exactly-once
 *   (keyed by race id), so a file whose race is in the database already is just removed.
 * - A file that cannot be parsed is renamed `<name>.bad` and logged, never deleted.
 * - A write that fails while the database is reachable (a bug, bad data) does not hold the queue:
 *   the next files go on, and after `maxAttempts` such failures the file is renamed
 *   `<name>.failed` and logged (kept for a person to look at). A database that cannot be reached
 *   stops the drain until the next retry.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RaceResults } from '../../shared/protocol/events.ts';
import type { Logger } from '../log.ts';
import type { ResultsSink } from '../rooms/resultsSink.ts';
import type { WriteRaceOptions } from './prismaResultsSink.ts';
import { raceResultsJson } from './replayCodec.ts';

/** What the outbox writes to: PrismaResultsSink (or anything that stores a race exactly once). */
export interface RaceResultsWriter {
  write(results: RaceResults, options: WriteRaceOptions): Promise<unknown>;
}

export interface ResultsOutboxOptions {
  /** The outbox folder, e.g. `<dataDir>/outbox` (created when missing). */
  readonly dir: string;
  readonly store: RaceResultsWriter;
  readonly log: Logger;
  /** First retry delay after a failed write. [default: 1000] */
  readonly retryInitialMs?: number;
  /** Longest retry delay. [default: 60000] */
  readonly retryMaxMs?: number;
  /** Failures (with the database reachable) before a file is set aside as `.failed`. [default: 5] */
  readonly maxAttempts?: number;
  /** Called on each failed database write (the results stay, or go, on disk): for a metric. */
  readonly onWriteFailure?: (error: unknown, raceId: string) => void;
}

/** The file format (`version` 1). */
interface OutboxFile {
  readonly version: 1;
  /** When the race ended (ISO). */
  readonly finishedAt: string;
  readonly results: RaceResults;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** `<raceId>.json`, or a hash of odd ids (the id itself is inside the file). */
export function outboxFileName(raceId: string): string {
  const base = SAFE_ID.test(raceId) ? raceId : `race-${createHash('sha256').update(raceId).digest('hex').slice(0, 32)}`;
  return `${base}.json`;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2028',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const UNAVAILABLE_TEXT =
  /DatabaseNotReachable|ConnectionClosed|SocketTimeout|TransactionAlreadyClosed|Connection terminated|connect ECONNREFUSED|Can't reach database|timed out|terminating connection|the database system is (starting up|shutting down)|Transaction API error/i;

/**
 * Whether an error means "the database is not there now" (retry later) rather than "this write
 * is wrong": socket errors, Prisma's connection/timeout codes, PostgreSQL's shutdown and
 * connection-class (08…) codes, anywhere along the `cause` chain.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    const o = e as { code?: unknown; message?: unknown; cause?: unknown; kind?: unknown; originalCode?: unknown };
    for (const code of [o.code, o.originalCode])
      if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof o.kind === 'string' && UNAVAILABLE_TEXT.test(o.kind)) return true;
    if (typeof o.message === 'string' && UNAVAILABLE_TEXT.test(o.message)) return true;
    e = o.cause;
  }
  return false;
}

export class ResultsOutbox implements ResultsSink {
  private readonly dir: string;
  private readonly store: RaceResultsWriter;
  private readonly log: Logger;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly maxAttempts: number;
  private readonly onWriteFailure: (error: unknown, raceId: string) => void;
  /** Failures of a file with the database reachable, by path. */
  private readonly attempts = new Map<string, number>();
  private delayMs: number;
  /** Files are waiting (or may be): new races queue behind them. */
  private backlog = false;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private dirReady: Promise<void> | null = null;

  constructor(options: ResultsOutboxOptions) {
    this.dir = options.dir;
    this.store = options.store;
    this.log = options.log;
    this.retryInitialMs = options.retryInitialMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.onWriteFailure = options.onWriteFailure ?? (() => undefined);
    this.delayMs = this.retryInitialMs;
  }

  /** Drains what an earlier run left; resolves after the first attempt (retries go on in the background). */
  async start(): Promise<void> {
    await this.ensureDir();
    await this.removeTempFiles();
    this.backlog = true;
    await this.drain();
  }

  /**
   * Stores the race: in the database, or on disk when that fails (or files are waiting). Rejects
   * only when the database failed and the disk write failed too.
   */
  async save(results: RaceResults): Promise<void> {
    const finishedAt = new Date();
    if (!this.backlog) {
      try {
        await this.store.write(results, { finishedAt });
        return;
      } catch (error) {
        this.onWriteFailure(error, results.raceId);
        this.log.warn({ err: error, raceId: results.raceId }, 'database write failed; race results kept in the outbox');
      }
    }
    await this.persist(results, finishedAt);
    this.backlog = true;
    if (this.draining !== null) this.drainAgain = true;
    else if (this.timer === null) this.scheduleRetry();
  }

  /** Race ids waiting on disk, oldest first. */
  async pending(): Promise<string[]> {
    return (await this.readAll()).map((f) => f.file.results.raceId);
  }

  /** Tries to write everything waiting now; true when nothing is left. */
  async flush(): Promise<boolean> {
    this.backlog = true;
    await this.drain();
    return !this.backlog;
  }

  /** Stops retrying (files stay for the next start) and waits for a write in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.draining;
  }

  private ensureDir(): Promise<void> {
    this.dirReady ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.dirReady;
  }

  private async persist(results: RaceResults, finishedAt: Date): Promise<void> {
    await this.ensureDir();
    const target = join(this.dir, outboxFileName(results.raceId));
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const text = `{"version":1,"finishedAt":${JSON.stringify(finishedAt.toISOString())},"results":${raceResultsJson(results)}}`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    await this.syncDir();
    this.log.info({ raceId: results.raceId, file: target }, 'race results written to the outbox');
  }

  /** fsync of the folder, so the rename itself survives a crash (best effort). */
  private async syncDir(): Promise<void> {
    try {
      const handle = await open(this.dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Not supported everywhere (e.g. Windows); the file is synced already.
    }
  }

  private async removeTempFiles(): Promise<void> {
    for (const name of await readdir(this.dir))
      if (name.endsWith('.tmp')) await unlink(join(this.dir, name)).catch(() => undefined);
  }

  /** The waiting files, by finish time then name; unreadable ones are set aside. */
  private async readAll(): Promise<{ path: string; file: OutboxFile }[]> {
    await this.ensureDir();
    const out: { path: string; file: OutboxFile }[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.dir, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue; // removed meanwhile
      }
      try {
        const file = JSON.parse(text) as OutboxFile;
        if (file.version !== 1 || typeof file.results?.raceId !== 'string' || Number.isNaN(Date.parse(file.finishedAt)))
          throw new Error('not an outbox file');
        out.push({ path, file });
      } catch (error) {
        this.log.error({ err: error, file: path }, 'unreadable outbox file set aside as .bad');
        await rename(path, `${path}.bad`).catch(() => undefined);
      }
    }
    return out.sort((a, b) => Date.parse(a.file.finishedAt) - Date.parse(b.file.finishedAt));
  }

  private drain(): Promise<void> {
    if (this.draining !== null) {
      this.drainAgain = true;
      return this.draining;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.draining = this.drainLoop().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    let failed = false;
    do {
      this.drainAgain = false;
      failed = false;
      const files = await this.readAll();
      for (const { path, file } of files) {
        if (this.closed) return;
        try {
          await this.store.write(file.results, { finishedAt: new Date(file.finishedAt) });
        } catch (error) {
          this.onWriteFailure(error, file.results.raceId);
          if (isDatabaseUnavailable(error)) {
            this.log.warn(
              { err: error, raceId: file.results.raceId, retryInMs: this.delayMs, waiting: files.length },
              'outbox: database still unavailable',
            );
            this.scheduleRetry();
            return;
          }
          failed = true;
          const attempts = (this.attempts.get(path) ?? 0) + 1;
          this.attempts.set(path, attempts);
          if (attempts < this.maxAttempts) {
            this.log.error({ err: error, raceId: file.results.raceId, attempts }, 'outbox: race results write failed');
            continue;
          }
          this.attempts.delete(path);
          this.log.error(
            { err: error, raceId: file.results.raceId, attempts, file: `${path}.failed` },
            'outbox: race results write keeps failing; file set aside',
          );
          await rename(path, `${path}.failed`).catch(() => undefined);
          continue;
        }
        this.attempts.delete(path);
        await unlink(path).catch(() => undefined);
        this.delayMs = this.retryInitialMs;
        this.log.info({ raceId: file.results.raceId }, 'outbox: race results written to the database');
      }
    } while (this.drainAgain && !this.closed);
    if (failed) this.scheduleRetry();
    else this.backlog = false;
  }

  private scheduleRetry(): void {
    if (this.closed || this.timer !== null) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.retryMaxMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain().catch((error: unknown) => {
        this.log.error({ err: error }, 'outbox drain failed');
        this.scheduleRetry();
      });
    }, delay);
    this.timer.unref();
  }
}
