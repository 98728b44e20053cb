/**
 * Operations endpoints: `GET /metrics` (Prometheus text) and `GET /readyz` (ready for traffic:
 * the database answers `SELECT 1` within `readyTimeoutMs`). `/healthz` (alive) is in httpApp.ts.
 */
import { Router } from 'express';
import type { PrismaClient } from '../db/generated/client.ts';
import type { ArenaMetrics } from '../metrics/arenaMetrics.ts';

export interface OperationsRoutesOptions {
  readonly metrics: ArenaMetrics;
  readonly prisma: Pick<PrismaClient, '$queryRaw'>;
  /** How long the database may take to answer before /readyz says 503. [default: 2000] */
  readonly readyTimeoutMs?: number;
}

export interface ReadinessReport {
  readonly ok: boolean;
  /** 'ok', or why the database check failed. */
  readonly database: string;
  readonly redis: 'not configured';
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

export function createOperationsRouter({ metrics, prisma, readyTimeoutMs = 2000 }: OperationsRoutesOptions): Router {
  const router = Router();

  router.get('/metrics', async (_req, res) => {
    const text = await metrics.text();
    res.set('content-type', metrics.contentType).set('cache-control', 'no-store').send(text);
  });

  router.get('/readyz', async (_req, res) => {
    const database = await checkDatabase(prisma, readyTimeoutMs);
    const ok = database === 'ok';
    const report: ReadinessReport = { ok, database, redis: 'not configured' };
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(report);
  });

  return router;
}
