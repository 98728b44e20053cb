/**
 * Every process's races, in Redis, so that any web process can list any race and tell a
 * spectator about a race another process runs. Each process writes its own entry (its listings
 * and the latest `race:state` of each race) under a key that expires unless renewed: a process
 * that dies drops out of the lobby by itself within `ttlMs`.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RaceListing, RaceStateMessage } from '../../shared/protocol/events.ts';

const PROCESSES_KEY = 'arena:processes';
const entryKey = (processId: string): string => `arena:process:${processId}:races`;

interface DirectoryEntry {
  readonly races: readonly RaceListing[];
  readonly states: Readonly<Record<string, RaceStateMessage>>;
}

export class RaceDirectory {
  /** This process, as the directory knows it. */
  readonly processId = randomUUID();

  constructor(
    private readonly redis: Redis,
    /** How long an entry outlives its last renewal. [default: 10000] */
    readonly ttlMs = 10_000,
  ) {}

  /** Replaces this process's entry (and renews it). */
  async publish(races: readonly RaceListing[], states: ReadonlyMap<string, RaceStateMessage>): Promise<void> {
    const entry: DirectoryEntry = { races, states: Object.fromEntries(states) };
    await this.redis
      .multi()
      .sadd(PROCESSES_KEY, this.processId)
      .set(entryKey(this.processId), JSON.stringify(entry), 'PX', this.ttlMs)
      .exec();
  }

  /** Takes this process out (a clean shutdown). */
  async withdraw(): Promise<void> {
    await this.redis.multi().srem(PROCESSES_KEY, this.processId).del(entryKey(this.processId)).exec();
  }

  /** Every live process's races. */
  async list(): Promise<RaceListing[]> {
    return (await this.entries()).flatMap((e) => e.races);
  }

  /** The latest state of race `raceId`, wherever it runs; null when no live process has it. */
  async state(raceId: string): Promise<RaceStateMessage | null> {
    for (const entry of await this.entries()) {
      const state = entry.states[raceId];
      if (state !== undefined) return state;
    }
    return null;
  }

  private async entries(): Promise<DirectoryEntry[]> {
    const ids = (await this.redis.smembers(PROCESSES_KEY)).sort();
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(entryKey));
    const gone = ids.filter((_id, i) => values[i] === null);
    if (gone.length > 0) await this.redis.srem(PROCESSES_KEY, ...gone);
    return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as DirectoryEntry]));
  }
}
