/**
 * A race worker's side of the ladder queue: takes ladder-race jobs from BullMQ and runs each in
 * this process's lobby (its snapshots reach spectators on every web process through the Redis
 * adapter), as fast as it computes while nobody watches and in real time while someone does. A job
 * completes only once its results are stored (database, or the outbox on disk); a worker that dies
 * mid-race stops renewing the job's lock, and BullMQ gives the job, with the same race id, to
 * another worker: the race is run again from the start, and nothing of the first try was stored.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RaceResults } from '../../shared/protocol/events.ts';
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import type { ResultsSink } from '../rooms/resultsSink.ts';
import type { ArenaIo } from '../transport/socketRaceBroadcaster.ts';
import { countSpectators } from '../transport/spectatorCounter.ts';
import { LADDER_QUEUE, type LadderJobData } from './ladderQueue.ts';

/** A ResultsSink that lets the job wait for its race's results to be stored. */
export class TrackedResultsSink implements ResultsSink {
  private readonly saving = new Map<string, Promise<void>>();

  constructor(private readonly inner: ResultsSink) {}

  save(results: RaceResults): Promise<void> {
    const saved = this.inner.save(results);
    this.saving.set(results.raceId, saved);
    return saved;
  }

  /** Settles once race `raceId`'s results are stored (at once when none were given). */
  async saved(raceId: string): Promise<void> {
    const saving = this.saving.get(raceId);
    this.saving.delete(raceId);
    await saving;
  }
}

export interface LadderJobWorkerOptions {
  readonly connection: Redis;
  readonly lobby: Lobby;
  readonly io: ArenaIo;
  readonly results: TrackedResultsSink;
  /** Whether race `raceId`'s results are in the database already (a retried job whose first try got that far). */
  readonly isStored: (raceId: string) => Promise<boolean>;
  /** Loads agents uploaded through other processes into this one's catalog. */
  readonly refreshAgent: (agentId: string) => Promise<void>;
  readonly log: Logger;
  /** Ladder races at once. */
  readonly concurrency: number;
  /** The job lock's lifetime (renewed at half of it): how soon a dead worker's race is retried. */
  readonly lockMs: number;
  /** How often spectators are counted, ms. [default: 1000] */
  readonly audienceCheckMs?: number;
}

export class LadderJobWorker {
  private readonly worker: Worker<LadderJobData>;
  private readonly audienceTimer: NodeJS.Timeout;
  private readonly running = new Set<string>();

  constructor(private readonly options: LadderJobWorkerOptions) {
    this.worker = new Worker<LadderJobData>(LADDER_QUEUE, (job) => this.run(job), {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      // A race whose worker died twice is given up (failed), not retried for ever.
      maxStalledCount: 2,
    });
    this.worker.on('failed', (job, err) =>
      options.log.error({ raceId: job?.data.raceId, attempts: job?.attemptsMade, err }, 'ladder race job failed'),
    );
    this.worker.on('stalled', (jobId) => options.log.warn({ raceId: jobId }, 'ladder race stalled; it is retried'));
    this.worker.on('error', (err) => options.log.warn({ err }, 'ladder queue worker error'));
    // A spectator arriving on any web process: real time at once, not at the next count.
    options.io.on('race:watched', (raceId) => {
      if (this.running.has(raceId) && options.lobby.has(raceId)) options.lobby.get(raceId).setWatched(true);
    });
    this.audienceTimer = setInterval(() => void this.checkAudience(), options.audienceCheckMs ?? 1000);
    this.audienceTimer.unref();
  }

  /** Stops taking jobs; resolves once the running ones are done (abort them through the lobby). */
  async close(): Promise<void> {
    clearInterval(this.audienceTimer);
    await this.worker.close();
  }

  private async run(job: Job<LadderJobData>): Promise<{ rated: boolean; ticks: number } | { skipped: string }> {
    const { raceId, request } = job.data;
    const log = this.options.log.child({ raceId, attempt: job.attemptsMade + 1 });
    if (await this.options.isStored(raceId)) {
      log.info('ladder race stored already by an earlier try; nothing to run');
      return { skipped: 'stored already' };
    }
    for (const agentId of request.agents ?? []) await this.options.refreshAgent(agentId);
    const { lobby } = this.options;
    if (lobby.has(raceId)) await lobby.get(raceId).abort(); // an earlier try of this very job, still lingering
    const watched = await this.hasSpectators(raceId);
    const room = lobby.create(request, { ladder: true, id: raceId, startsUnwatched: !watched });
    this.running.add(raceId);
    try {
      log.info({ watched }, 'ladder race taken from the queue');
      const results = await room.finished;
      await this.options.results.saved(raceId);
      return { rated: results.rated, ticks: results.ticks };
    } finally {
      this.running.delete(raceId);
    }
  }

  private async hasSpectators(raceId: string): Promise<boolean> {
    try {
      return (await countSpectators(this.options.io, [raceId])).has(raceId);
    } catch (err) {
      this.options.log.warn({ err, raceId }, 'could not count spectators; racing in real time');
      return true;
    }
  }

  /** Every running race's audience in one round (countSpectators). */
  private async checkAudience(): Promise<void> {
    const { lobby, io, log } = this.options;
    const live = [...this.running].filter((id) => lobby.has(id) && lobby.get(id).status !== 'finished');
    if (live.length === 0) return;
    let watchedRaces: Map<string, number>;
    try {
      watchedRaces = await countSpectators(io, live);
    } catch (err) {
      log.warn({ err }, 'could not count spectators');
      return;
    }
    for (const raceId of live) if (lobby.has(raceId)) lobby.get(raceId).setWatched(watchedRaces.has(raceId));
  }
}
