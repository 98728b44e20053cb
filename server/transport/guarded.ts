import { z } from 'zod';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import type { ErrorReply, Reply } from '../../shared/protocol/events.ts';
import { ArenaError, InvalidPayloadError, RateLimitedError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { RateLimiter } from './rateLimiter.ts';

type Ack = (reply: Reply<object>) => void;

/**
 * Wraps a socket handler: counts the message against `limiter`, parses the payload with
 * `schema`, and turns what the handler returns or throws into the ack. Handlers only ever see
 * typed, validated payloads; an ArenaError becomes `{ ok: false, code, message }`, anything
 * else is logged and answered INTERNAL.
 */
export function guarded<S extends z.ZodType>(
  options: {
    schema: S;
    limiter: RateLimiter;
    rateCode: typeof ErrorCode.INPUT_RATE_LIMITED | typeof ErrorCode.RATE_LIMITED;
    log: Logger;
  },
  handler: (payload: z.infer<S>) => object | void | Promise<object | void>,
): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    const payload = ack !== undefined ? args.slice(0, -1)[0] : args[0];
    try {
      if (!options.limiter.tryTake()) throw new RateLimitedError(options.rateCode, options.limiter.perSecond);
      const parsed = options.schema.safeParse(payload);
      if (!parsed.success) throw new InvalidPayloadError(z.prettifyError(parsed.error).slice(0, 500));
      const result = handler(parsed.data);
      if (result instanceof Promise) {
        result.then(
          (value) => ack?.({ ok: true, ...(value ?? {}) }),
          (error: unknown) => ack?.(toErrorReply(error, options.log)),
        );
        return;
      }
      ack?.({ ok: true, ...(result ?? {}) });
    } catch (error) {
      ack?.(toErrorReply(error, options.log));
    }
  };
}

export function toErrorReply(error: unknown, log: Logger): ErrorReply {
  if (error instanceof ArenaError) return { ok: false, code: error.code, message: error.message };
  log.error({ err: error }, 'socket handler failed');
  return { ok: false, code: ErrorCode.INTERNAL, message: 'internal error' };
}
