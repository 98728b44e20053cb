import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { AccountService, hashSessionToken } from '../accounts/accountService.ts';
import { LoginRateLimiter } from '../accounts/loginRateLimiter.ts';
import { createLogger } from '../log.ts';
import { createAccountRouter } from './accountRoutes.ts';
import { attachCurrentUser, requireUser } from './currentUser.ts';

interface Running {
  readonly base: string;
  close(): Promise<void>;
}

async function listen(app: express.Express): Promise<Running> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('account routes', () => {
  let db: TestDatabase;
  let accounts: AccountService;
  let nowMs = Date.now();
  let limiterNow = 0;
  let server: Running;
  let secureServer: Running;

  beforeAll(async () => {
    db = await createTestDatabase();
    accounts = new AccountService(db.prisma, { sessionTtlMs: 2 * 60 * 60 * 1000, now: () => new Date(nowMs) });
    const log = createLogger('silent');
    const app = express();
    app.use(express.json({ limit: 16 * 1024 })); // as httpApp does: the router copes with a parsed body
    app.use(
      createAccountRouter({
        accounts,
        log,
        secureCookies: false,
        loginLimiter: new LoginRateLimiter({ maxFailuresPerName: 3, maxFailuresPerIp: 5, now: () => limiterNow }),
      }),
    );
    // What other routes do with the contract.
    app.get('/api/whoami', attachCurrentUser(accounts), (_req, res) => {
      res.json({ user: res.locals.user ?? null });
    });
    app.post('/api/upload-ish', attachCurrentUser(accounts), requireUser, (_req, res) => {
      res.json({ uploadedBy: (res.locals.user as { name: string }).name });
    });
    server = await listen(app);
    const secureApp = express(); // no app-wide body parser here: the router parses its own
    secureApp.use(createAccountRouter({ accounts, log, secureCookies: true }));
    secureServer = await listen(secureApp);
  });

  afterAll(async () => {
    await server?.close();
    await secureServer?.close();
    await db?.drop();
  });

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}, base = server.base) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string, cookie?: string) =>
    fetch(`${server.base}${path}`, { headers: cookie === undefined ? {} : { cookie } });
  /** `arena_session=<token>` from a login answer. */
  const sessionOf = (res: Response): string => res.headers.get('set-cookie')!.split(';')[0];

  it('registers (201 { id, name }) and refuses a taken name in any case (409 NAME_TAKEN)', async () => {
    const res = await post('/api/register', { name: 'Alice', password: 'alice password' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; name: string };
    expect(body).toEqual({ id: expect.any(String), name: 'Alice' });
    expect(res.headers.get('set-cookie')).toBeNull();

    const again = await post('/api/register', { name: 'alice', password: 'other password' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ ok: false, code: 'NAME_TAKEN' });
  });

  it.each([
    ['no body', undefined],
    ['missing password', { name: 'Bob' }],
    ['wrong types', { name: 12, password: ['x'] }],
    ['short name', { name: 'Bo', password: 'long enough' }],
    ['bad characters', { name: 'Bob Smith', password: 'long enough' }],
    ['short password', { name: 'Bobby', password: 'short' }],
  ])('answers 400 INVALID_PAYLOAD to a bad registration (%s)', async (_what, body) => {
    const res = await post('/api/register', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });

  it('answers malformed and oversized JSON with 400 / 413 INVALID_PAYLOAD when it parses the body itself', async () => {
    const malformed = await post('/api/register', '{"name": ', {}, secureServer.base);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    const big = await post('/api/login', { name: 'x', password: 'y'.repeat(10_000) }, {}, secureServer.base);
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });

  it('logs in with an HttpOnly SameSite=Lax session cookie, and /api/me knows who', async () => {
    await post('/api/register', { name: 'Carol', password: 'carol password' });
    const res = await post('/api/login', { name: 'carol', password: 'carol password' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; name: string };
    expect(body).toEqual({ id: expect.any(String), name: 'Carol' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^arena_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=7200$/);
    expect(cookie).not.toContain('Secure');
    const session = sessionOf(res);
    // only the token's hash is stored
    const token = session.split('=')[1];
    expect(await db.prisma.session.count({ where: { tokenHash: hashSessionToken(token) } })).toBe(1);

    const me = await get('/api/me', `theme=dark; ${session}`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(body);
    expect(await (await get('/api/whoami', session)).json()).toEqual({ user: body });
  });

  it('adds Secure when secureCookies is set', async () => {
    await post('/api/register', { name: 'Dave', password: 'dave password' });
    const res = await post('/api/login', { name: 'Dave', password: 'dave password' }, {}, secureServer.base);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('answers 401 with the same message for an unknown name and a wrong password', async () => {
    await post('/api/register', { name: 'Erin', password: 'erin password' });
    const wrong = await post('/api/login', { name: 'Erin', password: 'not erin password' });
    const unknown = await post('/api/login', { name: 'Nobody', password: 'erin password' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.json()).toEqual({ ok: false, code: 'UNAUTHORIZED', message: 'wrong name or password' });
    }
  });

  it('GET /api/me is 401 for guests, stale and forged cookies', async () => {
    for (const cookie of [undefined, 'arena_session=', 'arena_session=' + 'A'.repeat(43), 'arena_session=%zz']) {
      const res = await get('/api/me', cookie);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    }
    expect(await (await get('/api/whoami')).json()).toEqual({ user: null });
  });

  it('logs out: session deleted, cookie cleared (204), the old cookie no longer works', async () => {
    await post('/api/register', { name: 'Fred', password: 'fred password' });
    const session = sessionOf(await post('/api/login', { name: 'Fred', password: 'fred password' }));
    const out = await post('/api/logout', undefined, { cookie: session });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(
      /^arena_session=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0; Expires=/,
    );
    expect((await get('/api/me', session)).status).toBe(401);
    expect((await post('/api/logout')).status).toBe(204); // a guest logging out is harmless
  });

  it('expires the session after its time to live', async () => {
    await post('/api/register', { name: 'Gina', password: 'gina password' });
    const session = sessionOf(await post('/api/login', { name: 'Gina', password: 'gina password' }));
    expect((await get('/api/me', session)).status).toBe(200);
    nowMs += 2 * 60 * 60 * 1000;
    expect((await get('/api/me', session)).status).toBe(401);
  });

  it('requireUser answers 401 "log in to do this" to guests and lets users through', async () => {
    const guest = await post('/api/upload-ish', {});
    expect(guest.status).toBe(401);
    expect(await guest.json()).toEqual({ ok: false, code: 'UNAUTHORIZED', message: 'log in to do this' });
    await post('/api/register', { name: 'Hank', password: 'hank password' });
    const session = sessionOf(await post('/api/login', { name: 'Hank', password: 'hank password' }));
    const user = await post('/api/upload-ish', {}, { cookie: session });
    expect(await user.json()).toEqual({ uploadedBy: 'Hank' });
  });

  it('rate-limits failed logins per name with 429 and Retry-After, even for the right password', async () => {
    limiterNow += 60 * 60 * 1000; // a fresh window
    await post('/api/register', { name: 'Ivan', password: 'ivan password' });
    for (let i = 0; i < 3; i++)
      expect((await post('/api/login', { name: 'Ivan', password: 'guess ' + i })).status).toBe(401);
    const blocked = await post('/api/login', { name: 'ivan', password: 'ivan password' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('900');
    expect(await blocked.json()).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    limiterNow += 15 * 60 * 1000;
    expect((await post('/api/login', { name: 'Ivan', password: 'ivan password' })).status).toBe(200);
  });

  it('rate-limits failed logins per address across names', async () => {
    limiterNow += 60 * 60 * 1000;
    for (let i = 0; i < 5; i++)
      expect((await post('/api/login', { name: `ghost${i}`, password: 'whatever1' })).status).toBe(401);
    const blocked = await post('/api/login', { name: 'ghost-new', password: 'whatever1' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    limiterNow += 15 * 60 * 1000;
  });
});
