import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, KEY_BYTES, PasswordHasher, SALT_BYTES, parseStoredHash } from './passwordHasher.ts';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores scrypt$N$r$p$salt$hash with the default parameters', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    const parsed = parseStoredHash(stored)!;
    expect(parsed.params).toEqual(DEFAULT_SCRYPT_PARAMS);
    expect(parsed.salt).toHaveLength(SALT_BYTES);
    expect(parsed.hash).toHaveLength(KEY_BYTES);
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const a = await hasher.hash('same password');
    const b = await hasher.hash('same password');
    expect(a).not.toBe(b);
    expect(await hasher.verify('same password', a)).toBe(true);
    expect(await hasher.verify('same password', b)).toBe(true);
  });

  it('reads the parameters from the stored hash (old hashes stay valid)', async () => {
    const cheap = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
    const stored = await cheap.hash('pässwörd');
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await hasher.verify('pässwörd', stored)).toBe(true);
    // NFC and NFD spellings of the same text are the same password
    expect(await hasher.verify('pässwörd'.normalize('NFD'), stored)).toBe(true);
  });

  it('treats malformed or hostile stored hashes as a mismatch', async () => {
    const good = await hasher.hash('x'.repeat(10));
    const [, , , , salt, hash] = good.split('$');
    for (const stored of [
      '',
      'bcrypt$2b$10$abc',
      `scrypt$32768$8$1$${salt}`,
      `scrypt$1000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, // N too large
      `scrypt$32768$0$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}$not+base64`,
    ]) {
      expect(parseStoredHash(stored)).toBeNull();
      expect(await hasher.verify('x'.repeat(10), stored)).toBe(false);
    }
  });

  it('spends about the same time on an unknown user as on a wrong password', async () => {
    const stored = await hasher.hash('the real password');
    await hasher.verifyAgainstNothing('warm up');
    const time = async (f: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < 4; i++) await f();
      return performance.now() - start;
    };
    const wrong = await time(() => hasher.verify('a wrong password', stored));
    const nobody = await time(() => hasher.verifyAgainstNothing('a wrong password'));
    expect(await hasher.verifyAgainstNothing('the real password')).toBe(false);
    // Both run one scrypt with the same parameters; allow for scheduling noise.
    expect(nobody / wrong).toBeGreaterThan(0.5);
    expect(nobody / wrong).toBeLessThan(2);
  });
});
