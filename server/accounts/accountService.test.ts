import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import {
  AccountService,
  InvalidCredentialsError,
  InvalidCredentialsFormat,
  NameTakenError,
  hashSessionToken,
} from './accountService.ts';

describe('AccountService', () => {
  let db: TestDatabase;
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  let accounts: AccountService;

  beforeAll(async () => {
    db = await createTestDatabase();
    accounts = new AccountService(db.prisma, { sessionTtlMs: 60_000, now: () => new Date(nowMs) });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('registers an account with a scrypt hash, never the password', async () => {
    const user = await accounts.register('Alice_1', 'alice password');
    expect(user).toEqual({ id: expect.any(String), name: 'Alice_1' });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.name).toBe('Alice_1');
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain('alice password');
  });

  it('refuses a name taken in any case', async () => {
    await accounts.register('Bobby', 'bobby password');
    await expect(accounts.register('Bobby', 'another password')).rejects.toBeInstanceOf(NameTakenError);
    await expect(accounts.register('bOBBY', 'another password')).rejects.toBeInstanceOf(NameTakenError);
    expect(await db.prisma.user.count({ where: { name: { in: ['Bobby', 'bOBBY'] } } })).toBe(1);
  });

  it('compares names literally: _ and - are not wildcards', async () => {
    await accounts.register('abc', 'abc password');
    await expect(accounts.register('a_c', 'a_c password')).resolves.toMatchObject({ name: 'a_c' });
    await expect(accounts.register('a-c', 'a-c password')).resolves.toMatchObject({ name: 'a-c' });
    await expect(accounts.login('a_c', 'abc password')).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(accounts.login('A_C', 'a_c password')).resolves.toMatchObject({ user: { name: 'a_c' } });
  });

  it('lets only one of concurrent registrations of a name (in different cases) succeed', async () => {
    const results = await Promise.allSettled(
      ['Racer', 'racer', 'RACER', 'rAcEr'].map((n) => accounts.register(n, 'racer password')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(NameTakenError);
  });

  it.each([
    ['ab', 'long enough pw'],
    ['x'.repeat(25), 'long enough pw'],
    ['has space', 'long enough pw'],
    ['émile', 'long enough pw'],
    ['carol', 'short'],
    ['carol', 'p'.repeat(201)],
  ])('refuses name %j / password %j by format', async (name, password) => {
    await expect(accounts.register(name, password)).rejects.toBeInstanceOf(InvalidCredentialsFormat);
  });

  it('accepts the limits: 3 and 24 character names, 8 and 200 character passwords', async () => {
    await expect(accounts.register('a-_', '12345678')).resolves.toMatchObject({ name: 'a-_' });
    await expect(accounts.register('Z'.repeat(24), 'p'.repeat(200))).resolves.toMatchObject({ name: 'Z'.repeat(24) });
  });

  it('logs in (any case of the name) with a session whose token is stored only as its SHA-256', async () => {
    const user = await accounts.register('Dora', 'dora password');
    const { user: loggedIn, token, expiresAt } = await accounts.login('dora', 'dora password');
    expect(loggedIn).toEqual(user);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime()).toBe(nowMs + 60_000);
    const sessions = await db.prisma.session.findMany({ where: { userId: user.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0].tokenHash).toBe(hashSessionToken(token));
    expect(sessions[0].tokenHash).not.toContain(token);
    expect(await accounts.userForToken(token)).toEqual(user);
  });

  it('answers the same error for an unknown name and a wrong password', async () => {
    await accounts.register('Eve', 'eve password');
    const wrong = await accounts.login('Eve', 'not her password').catch((e: unknown) => e);
    const unknown = await accounts.login('Nobody', 'eve password').catch((e: unknown) => e);
    const malformed = await accounts.login('no such name!', 'eve password').catch((e: unknown) => e);
    for (const e of [wrong, unknown, malformed]) {
      expect(e).toBeInstanceOf(InvalidCredentialsError);
      expect((e as InvalidCredentialsError).message).toBe('wrong name or password');
      expect((e as InvalidCredentialsError).status).toBe(401);
    }
  });

  it('logs out: the token no longer names anyone', async () => {
    await accounts.register('Fred', 'fred password');
    const a = await accounts.login('Fred', 'fred password');
    const b = await accounts.login('Fred', 'fred password');
    await accounts.logout(a.token);
    expect(await accounts.userForToken(a.token)).toBeNull();
    expect(await accounts.userForToken(b.token)).toMatchObject({ name: 'Fred' }); // other sessions stay
    await accounts.logout(a.token); // twice is fine
    await accounts.logout('garbage');
  });

  it('expires sessions and deletes them when seen', async () => {
    const user = await accounts.register('Gina', 'gina password');
    const { token } = await accounts.login('Gina', 'gina password');
    nowMs += 59_999;
    expect(await accounts.userForToken(token)).toEqual(user);
    nowMs += 1;
    expect(await accounts.userForToken(token)).toBeNull();
    expect(await db.prisma.session.count({ where: { tokenHash: hashSessionToken(token) } })).toBe(0);
  });

  it('sweeps expired sessions', async () => {
    await accounts.register('Hank', 'hank password');
    const { token } = await accounts.login('Hank', 'hank password');
    nowMs += 60_000;
    expect(await accounts.deleteExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.session.count({ where: { tokenHash: hashSessionToken(token) } })).toBe(0);
  });

  it('finds nobody for unknown or malformed tokens', async () => {
    expect(await accounts.userForToken('')).toBeNull();
    expect(await accounts.userForToken('A'.repeat(43))).toBeNull();
    expect(await accounts.userForToken('x'.repeat(10_000))).toBeNull();
  });
});
