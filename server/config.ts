import { z } from 'zod';

/**
 * Server settings from environment variables, parsed once here (the only file that reads
 * `process.env`). Every field states its default.
 */
const envSchema = z.object({
  /** [default: 3000] */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** [default: 'info'] */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Race workers; 0 runs races on the main thread. [default: os.availableParallelism(), capped to it] */
  RACE_WORKERS: z.coerce.number().int().min(0).optional(),
  /** How long a disconnected driver keeps the car, in ms. [default: 10000] */
  DISCONNECT_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** How long a room waits for humans before its countdown, in ms. [default: 15000] */
  LOBBY_WAIT_MS: z.coerce.number().int().min(0).default(15_000),
  /** How long a finished room keeps its results before it closes, in ms. [default: 60000] */
  RESULTS_LINGER_MS: z.coerce.number().int().min(0).default(60_000),
  /** Built client to serve. [default: client/dist] */
  CLIENT_DIST_DIR: z.string().default('client/dist'),
  /** An external PostgreSQL; without it an embedded one runs under DATA_DIR/postgres. [default: none] */
  DATABASE_URL: z.string().url().optional(),
  /** Ladder races (agents and bots, rated) the server keeps running by itself; 0 turns the ladder off. [default: 1] */
  LADDER_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(1),
  /** Mark the session cookie Secure (set when the arena is served over HTTPS). [default: false] */
  COOKIE_SECURE: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Folder for uploaded agents (files and records), shared by every server process. [default: './data'] */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Engine for the built-in architectures (genomes, state_dicts). [default: 'onnxruntime'] */
  AGENT_BACKEND: z.enum(['onnxruntime', 'tfjs']).default('onnxruntime'),
  /** Largest agent upload (each file and all together), in bytes. [default: 52428800, 50 MiB] */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 * 1024),
  /**
   * Redis (redis://host:port): socket.io's Redis adapter joins several processes, and ladder races
   * go through a BullMQ queue to race workers. Needs DATABASE_URL (the processes share one database).
   * [default: none, one process]
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /**
   * What this process does: 'web' (HTTP API, sockets, lobby, ladder scheduling), 'worker' (runs
   * ladder races from the queue), or 'all'. 'web' and 'worker' need REDIS_URL. [default: 'all']
   */
  ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  /**
   * How long a race worker's claim on a ladder race lasts without renewal, in ms: a worker that dies
   * mid-race gives its race back to the queue after about this long. [default: 30000]
   */
  LADDER_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Ladder races one worker process runs at once. [default: RACE_WORKERS, or the core count] */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
});

export type LogLevel = z.infer<typeof envSchema>['LOG_LEVEL'];

export interface ServerConfig {
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly raceWorkers: number | undefined;
  readonly disconnectGraceMs: number;
  readonly lobbyWaitMs: number;
  readonly resultsLingerMs: number;
  readonly clientDistDir: string;
  readonly dataDir: string;
  readonly maxUploadBytes: number;
  readonly agentBackend: 'onnxruntime' | 'tfjs';
  readonly databaseUrl: string | undefined;
  readonly ladderConcurrency: number;
  readonly cookieSecure: boolean;
  readonly redisUrl: string | undefined;
  readonly role: 'web' | 'worker' | 'all';
  readonly ladderJobLockMs: number;
  readonly workerConcurrency: number | undefined;
}

/** Parses the environment; throws an Error listing every bad variable. */
export function parseServerConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid environment:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const problems: string[] = [];
  if (e.ROLE !== 'all' && e.REDIS_URL === undefined)
    problems.push(`ROLE=${e.ROLE} needs REDIS_URL: web and worker processes meet through Redis`);
  if (e.REDIS_URL !== undefined && e.DATABASE_URL === undefined)
    problems.push('REDIS_URL needs DATABASE_URL: the processes must share one PostgreSQL, not each its embedded one');
  if (problems.length > 0) throw new Error(`invalid environment:\n${problems.map((p) => `✖ ${p}`).join('\n')}`);
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    raceWorkers: e.RACE_WORKERS,
    disconnectGraceMs: e.DISCONNECT_GRACE_MS,
    lobbyWaitMs: e.LOBBY_WAIT_MS,
    resultsLingerMs: e.RESULTS_LINGER_MS,
    clientDistDir: e.CLIENT_DIST_DIR,
    dataDir: e.DATA_DIR,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    agentBackend: e.AGENT_BACKEND,
    databaseUrl: e.DATABASE_URL,
    ladderConcurrency: e.LADDER_CONCURRENCY,
    cookieSecure: e.COOKIE_SECURE,
    redisUrl: e.REDIS_URL,
    role: e.ROLE,
    ladderJobLockMs: e.LADDER_JOB_LOCK_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
  };
}
