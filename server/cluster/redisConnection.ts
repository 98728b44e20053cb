/** Connections to the Redis that joins the arena's processes (REDIS_URL). */
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

/**
 * A connection for `purpose` (named in Redis' CLIENT LIST). Commands wait while it reconnects
 * (`maxRetriesPerRequest: null`, which BullMQ's blocking workers need); errors are logged, not thrown
 * at the process.
 */
export function connectRedis(url: string, purpose: string, log: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: `arena-${purpose}` });
  let lastLoggedMs = 0;
  redis.on('error', (err: unknown) => {
    // A Redis that is down errors on every reconnection attempt: log at most every 5 s.
    const now = Date.now();
    if (now - lastLoggedMs < 5000) return;
    lastLoggedMs = now;
    log.warn({ err, purpose }, 'redis connection error');
  });
  return redis;
}

/** 'ok' when Redis answers PING within `timeoutMs`, else why not (for /readyz). */
export async function checkRedis(redis: Redis, timeoutMs: number): Promise<string> {
  if (redis.status !== 'ready') return `redis connection is ${redis.status}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([redis.ping(), timeout]);
    return answer === 'PONG' ? 'ok' : `unexpected PING answer ${String(answer)}`;
  } catch (error) {
    return error instanceof Error && error.message !== '' ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes connections politely (QUIT), or drops them when Redis is gone. */
export async function closeRedis(...connections: Redis[]): Promise<void> {
  await Promise.all(
    connections.map(async (redis) => {
      if (redis.status === 'end') return;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    }),
  );
}
