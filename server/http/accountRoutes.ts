/**
 * The account API.
 *
 *   POST /api/register { name, password } → 201 { id, name }; 409 NAME_TAKEN; 400 INVALID_PAYLOAD
 *   POST /api/login    { name, password } → 200 { id, name } and the session cookie;
 *                                           401 UNAUTHORIZED (unknown name and wrong password alike);
 *                                           429 RATE_LIMITED with Retry-After
 *   POST /api/logout                      → 204, session deleted and cookie cleared
 *   GET  /api/me                          → 200 { id, name }; 401 UNAUTHORIZED
 *
 * The cookie: `arena_session=<token>; HttpOnly; SameSite=Lax; Path=/; Max-Age=<ttl>` (+ Secure).
 * SameSite=Lax keeps it off cross-site POSTs, which with JSON-only bodies covers CSRF here.
 */
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import {
  InvalidCredentialsError,
  PASSWORD_MAX_LENGTH,
  type AccountService,
  type AccountUser,
} from '../accounts/accountService.ts';
import { LoginRateLimiter } from '../accounts/loginRateLimiter.ts';
import { ArenaError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { serializeCookie } from './cookies.ts';
import { SESSION_COOKIE, sessionTokenFromCookieHeader } from './currentUser.ts';

export interface AccountRoutesOptions {
  readonly accounts: AccountService;
  readonly log: Logger;
  /** Adds `Secure` to the session cookie: true whenever the arena is served over HTTPS. */
  readonly secureCookies: boolean;
  /** [default: a new in-memory one, 10 failures per name and 30 per address per 15 minutes] */
  readonly loginLimiter?: LoginRateLimiter;
}

/** Largest body these routes read. */
const MAX_BODY_BYTES = 4 * 1024;

/** Shape only; the name and password rules are the service's (register) or moot (login). */
const credentialsSchema = z.object({
  name: z.string().max(256),
  password: z.string().max(PASSWORD_MAX_LENGTH * 4),
});

export function createAccountRouter({ accounts, log, secureCookies, loginLimiter }: AccountRoutesOptions): Router {
  const limiter = loginLimiter ?? new LoginRateLimiter();
  const router = Router();
  // A no-op when the app parsed the body already; otherwise its errors are answered here.
  const parseJson = express.json({ limit: MAX_BODY_BYTES });
  const json: RequestHandler = (req, res, next) => {
    parseJson(req, res, (err?: unknown) => {
      if (err === undefined || err === null) {
        next();
        return;
      }
      const tooLarge = typeof err === 'object' && 'status' in err && err.status === 413;
      res.status(tooLarge ? 413 : 400).json({
        ok: false,
        code: ErrorCode.INVALID_PAYLOAD,
        message: tooLarge ? `body over ${MAX_BODY_BYTES} bytes` : 'malformed request body',
      });
    });
  };

  const sessionCookie = (token: string, maxAgeSeconds: number): string =>
    serializeCookie(SESSION_COOKIE, token, { maxAgeSeconds, secure: secureCookies, httpOnly: true, sameSite: 'Lax' });

  router.post('/api/register', json, async (req, res) => {
    const body = parseCredentials(req, res);
    if (body === undefined) return;
    try {
      const user = await accounts.register(body.name, body.password);
      log.info({ userId: user.id, name: user.name }, 'account registered');
      res.status(201).json(userJson(user));
    } catch (error) {
      if (!sendArenaError(res, error)) throw error;
    }
  });

  router.post('/api/login', json, async (req, res) => {
    const body = parseCredentials(req, res);
    if (body === undefined) return;
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const attempt = limiter.begin(ip, body.name);
    if (!attempt.allowed) {
      log.warn({ ip, name: body.name.slice(0, 64) }, 'login rate limited');
      res
        .status(429)
        .set('Retry-After', String(attempt.retryAfterSeconds))
        .json({
          ok: false,
          code: ErrorCode.RATE_LIMITED,
          message: `too many failed logins; retry in ${attempt.retryAfterSeconds} s`,
        });
      return;
    }
    try {
      const { user, token } = await accounts.login(body.name, body.password);
      attempt.end('success');
      res.append('Set-Cookie', sessionCookie(token, Math.floor(accounts.sessionTtlMs / 1000)));
      res.set('Cache-Control', 'no-store');
      res.status(200).json(userJson(user));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        attempt.end('failure');
        log.info({ ip, name: body.name.slice(0, 64) }, 'login failed');
        sendArenaError(res, error);
        return;
      }
      attempt.end('error');
      throw error;
    }
  });

  router.post('/api/logout', async (req, res) => {
    const token = sessionTokenFromCookieHeader(req.headers.cookie);
    if (token !== undefined) await accounts.logout(token);
    res.append('Set-Cookie', sessionCookie('', 0));
    res.status(204).end();
  });

  router.get('/api/me', async (req, res) => {
    const token = sessionTokenFromCookieHeader(req.headers.cookie);
    const user = token === undefined ? null : await accounts.userForToken(token);
    res.set('Cache-Control', 'no-store');
    if (user === null) {
      res.status(401).json({ ok: false, code: ErrorCode.UNAUTHORIZED, message: 'not logged in' });
      return;
    }
    res.json(userJson(user));
  });

  return router;
}

function userJson(user: AccountUser): { id: string; name: string } {
  return { id: user.id, name: user.name };
}

/** The body as { name, password }, or undefined after answering 400. */
function parseCredentials(req: Request, res: Response): z.infer<typeof credentialsSchema> | undefined {
  const parsed = credentialsSchema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  res.status(400).json({
    ok: false,
    code: ErrorCode.INVALID_PAYLOAD,
    message: `send JSON { name, password }: ${z.prettifyError(parsed.error).slice(0, 300)}`,
  });
  return undefined;
}

/** Answers an ArenaError with its status and code; false for anything else. */
function sendArenaError(res: Response, error: unknown): boolean {
  if (!(error instanceof ArenaError)) return false;
  res.status(error.status).json({ ok: false, code: error.code, message: error.message });
  return true;
}
