/**
 * Operations endpoints: `GET /metrics` (Prometheus text) and `GET /readyz` (ready for traffic:
 * the database answers `SELECT 1`, and Redis (when configured) answers PING, within
 * `readyTimeoutMs`). `/healthz` (alive) is in httpApp.ts and workerHttpApp.ts.
 */
import { Router } from 'express';
import type { Redis } from 'ioredis';
import { checkRedis } from '../cluster/redisConnection.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { ArenaMetrics } from '../metrics/arenaMetrics.ts';

export interface OperationsRoutesOptions {
  readonly metrics: ArenaMetrics;
  readonly prisma: Pick<PrismaClient, '$queryRaw'>;
  /** Redis, when the arena runs as several processes. */
  readonly redis?: Redis;
  /** How long the database (and Redis) may take to answer before /readyz says 503. [default: 2000] */
  readonly readyTimeoutMs?: number;
}

export interface ReadinessReport {
  readonly ok: boolean;
  /** 'ok', or why the database check failed. */
  readonly database: string;
  /** 'ok', why the Redis check failed, or 'not configured' (one process, no Redis). */
  readonly redis: string;
}

/** `SELECT 1` through `prisma`, failing after `timeoutMs`. */
export async function checkDatabase(prisma: Pick<PrismaClient, '$queryRaw'>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error && error.message !== '' ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export function createOperationsRouter({
  metrics,
  prisma,
  redis,
  readyTimeoutMs = 2000,
}: OperationsRoutesOptions): Router {
  const router = Router();

  router.get('/metrics', async (_req, res) => {
    const text = await metrics.text();
    res.set('content-type', metrics.contentType).set('cache-control', 'no-store').send(text);
  });

  router.get('/readyz', async (_req, res) => {
    const [database, redisState] = await Promise.all([
      checkDatabase(prisma, readyTimeoutMs),
      redis === undefined ? Promise.resolve('not configured') : checkRedis(redis, readyTimeoutMs),
    ]);
    const ok = database === 'ok' && (redisState === 'ok' || redisState === 'not configured');
    const report: ReadinessReport = { ok, database, redis: redisState };
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(report);
  });

  return router;
}
