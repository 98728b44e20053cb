/**
 * Accounts and login sessions, on the database (User, Session).
 *
 * Names are 3..24 characters of [A-Za-z0-9_-], stored as typed and unique regardless of case
 * (lower(name) compared under a per-name advisory lock, so two concurrent registrations of "Bob"
 * and "bob" cannot both succeed). Passwords are 8..200 characters, stored as scrypt hashes
 * (passwordHasher.ts). A session token is 32 random bytes (base64url) handed to the client once;
 * only its SHA-256 is stored, so a leaked Session table logs nobody in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import { ArenaError } from '../errors.ts';
import { PasswordHasher } from './passwordHasher.ts';

export const NAME_MIN_LENGTH = 3;
export const NAME_MAX_LENGTH = 24;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
export const DEFAULT_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const SESSION_TOKEN_BYTES = 32;

export const accountNameSchema = z
  .string()
  .min(NAME_MIN_LENGTH, `a name has at least ${NAME_MIN_LENGTH} characters`)
  .max(NAME_MAX_LENGTH, `a name has at most ${NAME_MAX_LENGTH} characters`)
  .regex(/^[A-Za-z0-9_-]+$/, 'a name has only letters, digits, _ and -');
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password has at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `a password has at most ${PASSWORD_MAX_LENGTH} characters`);

/** Who is logged in: what `res.locals.user` and sockets carry. */
export interface AccountUser {
  readonly id: string;
  readonly name: string;
}

export interface LoginResult {
  readonly user: AccountUser;
  /** The session token for the cookie; not stored anywhere on the server. */
  readonly token: string;
  readonly expiresAt: Date;
}

/** Registration with a name some account has already (in any case). 409 NAME_TAKEN. */
export class NameTakenError extends ArenaError {
  constructor(name: string) {
    super(ErrorCode.NAME_TAKEN, `the name ${JSON.stringify(name)} is taken`, 409);
  }
}

/** A name or password that breaks the rules above (at registration). 400 INVALID_PAYLOAD. */
export class InvalidCredentialsFormat extends ArenaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_PAYLOAD, message, 400);
  }
}

/** Unknown name or wrong password: one error for both, so it gives no hint which. 401 UNAUTHORIZED. */
export class InvalidCredentialsError extends ArenaError {
  constructor() {
    super(ErrorCode.UNAUTHORIZED, 'wrong name or password', 401);
  }
}

export interface AccountServiceOptions {
  /** How long a login lasts. [default: 30 days] */
  readonly sessionTtlMs?: number;
  /** Wall-clock time, for session expiry. [default: () => new Date()] */
  readonly now?: () => Date;
  /** [default: scrypt N=2^15, r=8, p=1] */
  readonly hasher?: PasswordHasher;
}

/** SHA-256 of a session token, hex: the Session row's id. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token this service could have made (43 base64url characters); others are not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class AccountService {
  readonly sessionTtlMs: number;
  private readonly now: () => Date;
  private readonly hasher: PasswordHasher;

  constructor(
    private readonly prisma: PrismaClient,
    options: AccountServiceOptions = {},
  ) {
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    if (!(this.sessionTtlMs > 0)) throw new RangeError('sessionTtlMs must be positive');
    this.now = options.now ?? (() => new Date());
    this.hasher = options.hasher ?? new PasswordHasher();
  }

  /** Creates an account. Throws InvalidCredentialsFormat or NameTakenError. */
  async register(name: string, password: string): Promise<AccountUser> {
    const validName = accountNameSchema.safeParse(name);
    if (!validName.success) throw new InvalidCredentialsFormat(validName.error.issues[0].message);
    const validPassword = passwordSchema.safeParse(password);
    if (!validPassword.success) throw new InvalidCredentialsFormat(validPassword.error.issues[0].message);
    // Hash outside the transaction: it takes tens of milliseconds and needs no lock.
    const passwordHash = await this.hasher.hash(password);
    const lowered = name.toLowerCase();
    try {
      return await this.prisma.$transaction(async (tx) => {
        // Serializes registrations of the same name in any case until this transaction ends.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'account-name:' + lowered}))`;
        const existing = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM "User" WHERE lower(name) = ${lowered} LIMIT 1`;
        if (existing.length > 0) throw new NameTakenError(name);
        return tx.user.create({ data: { name, passwordHash }, select: { id: true, name: true } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new NameTakenError(name);
      throw error;
    }
  }

  /**
   * Checks the password and opens a session. Throws InvalidCredentialsError for an unknown name
   * and a wrong password alike, after the same scrypt work.
   */
  async login(name: string, password: string): Promise<LoginResult> {
    const plausible =
      accountNameSchema.safeParse(name).success &&
      typeof password === 'string' &&
      password.length <= PASSWORD_MAX_LENGTH;
    const user = plausible ? await this.findByName(name) : null;
    const ok =
      user === null
        ? await this.hasher.verifyAgainstNothing(String(password).slice(0, PASSWORD_MAX_LENGTH))
        : await this.hasher.verify(password, user.passwordHash);
    if (!ok || user === null) throw new InvalidCredentialsError();
    const token = randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.sessionTtlMs);
    await this.prisma.session.create({
      data: { tokenHash: hashSessionToken(token), userId: user.id, createdAt: this.now(), expiresAt },
    });
    return { user: { id: user.id, name: user.name }, token, expiresAt };
  }

  /** Ends the session of `token` (nothing when there is none). */
  async logout(token: string): Promise<void> {
    if (!TOKEN_PATTERN.test(token)) return;
    await this.prisma.session.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
  }

  /** The user logged in with `token`, or null (unknown or expired; an expired session is deleted). */
  async userForToken(token: string): Promise<AccountUser | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashSessionToken(token);
    const session = await this.prisma.session.findUnique({
      where: { tokenHash },
      select: { expiresAt: true, user: { select: { id: true, name: true } } },
    });
    if (session === null) return null;
    if (session.expiresAt.getTime() <= this.now().getTime()) {
      await this.prisma.session.deleteMany({ where: { tokenHash } });
      return null;
    }
    return { id: session.user.id, name: session.user.name };
  }

  /**
   * The account named `name` in any case. Raw SQL on purpose: Prisma's `mode: 'insensitive'`
   * compiles to ILIKE, where `_` (allowed in names) is a wildcard.
   */
  private async findByName(name: string): Promise<{ id: string; name: string; passwordHash: string } | null> {
    const rows = await this.prisma.$queryRaw<{ id: string; name: string; passwordHash: string }[]>`
      SELECT id, name, "passwordHash" FROM "User" WHERE lower(name) = ${name.toLowerCase()} LIMIT 1`;
    return rows[0] ?? null;
  }

  /** Deletes every expired session (for a periodic sweep); returns how many. */
  async deleteExpiredSessions(): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { expiresAt: { lte: this.now() } } });
    return count;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
