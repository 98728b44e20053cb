/**
 * Ladder races as BullMQ jobs (with Redis): the web processes' ladder scheduler adds them, the race
 * workers (ladderJobWorker.ts) take and run them. A job's id is its race id, the same on every
 * attempt, so a race retried after its worker died is still one race with one stored result.
 */
import { randomUUID } from 'node:crypto';
import { Queue, type JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CreateRaceRequest } from '../../shared/protocol/schemas.ts';
import type { LadderRaces } from '../ladder/ladderScheduler.ts';

export const LADDER_QUEUE = 'arena-ladder-races';

export interface LadderJobData {
  readonly raceId: string;
  readonly request: CreateRaceRequest;
}

/** Jobs that are not done: queued, being raced, or waiting to be retried. */
const UNFINISHED: JobType[] = ['waiting', 'active', 'delayed', 'prioritized'];

/** Key of the lock that makes one web process at a time fill the ladder. */
const FILL_LOCK_KEY = 'arena:ladder:fill-lock';

export class QueuedLadderRaces implements LadderRaces {
  readonly queue: Queue<LadderJobData>;

  constructor(
    connection: Redis,
    private readonly lockRedis: Redis,
    /** How long a fill may hold the lock before another process may fill. [default: 10000] */
    private readonly lockMs = 10_000,
  ) {
    this.queue = new Queue<LadderJobData>(LADDER_QUEUE, { connection });
  }

  async live(): Promise<{ count: number; agents: ReadonlySet<string> }> {
    const jobs = await this.queue.getJobs(UNFINISHED);
    const agents = new Set<string>();
    for (const job of jobs) for (const id of job?.data.request.agents ?? []) agents.add(id);
    return { count: jobs.filter((j) => j !== undefined).length, agents };
  }

  async open(request: CreateRaceRequest): Promise<string> {
    const raceId = randomUUID();
    await this.queue.add(
      'ladder-race',
      { raceId, request },
      {
        jobId: raceId,
        // A race that throws (not one whose worker died: that is BullMQ's stalled-job retry) gets one more try.
        attempts: 2,
        backoff: { type: 'fixed', delay: 1000 },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
      },
    );
    return raceId;
  }

  /** Jobs waiting for a worker (the queue depth metric). */
  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async exclusive<T>(fill: () => Promise<T>): Promise<T | null> {
    const token = randomUUID();
    const taken = await this.lockRedis.set(FILL_LOCK_KEY, token, 'PX', this.lockMs, 'NX');
    if (taken !== 'OK') return null;
    try {
      return await fill();
    } finally {
      // Release only our own lock (it may have expired and been taken by another process).
      await this.lockRedis.eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
        1,
        FILL_LOCK_KEY,
        token,
      );
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
