/**
 * Password hashing: scrypt (node:crypto), stored as `scrypt$N$r$p$<salt>$<hash>` with salt and
 * hash in base64url. Verification reads the parameters from the stored string, so raising them
 * later keeps old hashes valid, and compares in constant time. `verifyAgainstNothing` spends the
 * same work on a dummy hash, so a login for an unknown name takes as long as a wrong password.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

/** Highest parameters accepted from a stored hash (a corrupted row must not eat the server's memory). */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function scryptAsync(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // scrypt needs 128 * N * r * p bytes; Node's default maxmem (32 MiB) is just short of N = 2^15, r = 8.
    maxmem: 128 * params.N * params.r * params.p + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

/** The parts of a stored hash, or null when it is not one this hasher wrote. */
export function parseStoredHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^[0-9]{1,8}$/.test(s) ? Number(s) : NaN));
  if (!isPowerOfTwo(N) || N > MAX_N) return null;
  if (!Number.isInteger(r) || r < 1 || r > MAX_R || !Number.isInteger(p) || p < 1 || p > MAX_P) return null;
  const b64url = /^[A-Za-z0-9_-]+$/;
  if (!b64url.test(parts[4]) || !b64url.test(parts[5])) return null;
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) return null;
  return { params: { N, r, p }, salt, hash };
}

export class PasswordHasher {
  /** Made at construction, so even the first unknown-name login costs one hash, not two. */
  private readonly dummy: Promise<string>;

  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {
    this.dummy = this.hash(randomBytes(18).toString('base64url'));
    this.dummy.catch(() => {}); // reported when first awaited, not as an unhandled rejection
  }

  /** A new salted hash of `password`, in the stored format. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await scryptAsync(password, salt, KEY_BYTES, this.params);
    const { N, r, p } = this.params;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Whether `password` matches `stored`. A malformed `stored` is a mismatch (after the same work). */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseStoredHash(stored);
    if (parsed === null) {
      await this.verifyAgainstNothing(password);
      return false;
    }
    const key = await scryptAsync(password, parsed.salt, parsed.hash.length, parsed.params);
    return timingSafeEqual(key, parsed.hash);
  }

  /**
   * Spends what `verify` spends, against a dummy hash made with this hasher's parameters, and
   * answers false: for a name with no account, so timing does not tell it apart.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    const parsed = parseStoredHash(await this.dummy)!;
    const key = await scryptAsync(password, parsed.salt, parsed.hash.length, parsed.params);
    timingSafeEqual(key, parsed.hash);
    return false;
  }
}
