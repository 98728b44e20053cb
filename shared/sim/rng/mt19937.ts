/**
 * numpy's legacy `RandomState` (MT19937) as gym <= 0.21 seeds it for CarRacing-v0 (spec §3.2):
 * seed mod 2^64, first 8 bytes of SHA-512 of the decimal string read little-endian, split into
 * 32-bit words (least significant first), used as the `init_by_array` key.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { seedToBigInt, type IntegerSeed } from './seedSequence.ts';
import type { UniformSource } from './uniformSource.ts';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** gym 0.21 `seeding.create_seed` + `hash_seed` + `_int_list_from_bigint`: the MT19937 key words. */
export function gymV0SeedKey(seed: IntegerSeed): Uint32Array {
  const s = seedToBigInt(seed) % (1n << 64n);
  const decimal = s.toString(10);
  // The decimal string is pure ASCII, so its UTF-8 bytes are its char codes.
  const bytes = new Uint8Array(decimal.length);
  for (let i = 0; i < decimal.length; i++) bytes[i] = decimal.charCodeAt(i);
  const digest = sha512(bytes);
  let b = 0n;
  for (let i = 7; i >= 0; i--) b = (b << 8n) | BigInt(digest[i]);
  if (b === 0n) return Uint32Array.of(0);
  const words: number[] = [];
  while (b > 0n) {
    words.push(Number(b & 0xffffffffn));
    b >>= 32n;
  }
  return Uint32Array.from(words);
}

/** The MT19937 bit generator (reference algorithm, as in numpy's mt19937.c). */
export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /** `init_genrand(s)` (numpy `mt19937_seed`). */
  initGenrand(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.pos = N;
  }

  /** `init_by_array(key)` (numpy `mt19937_init_by_array`). */
  initByArray(key: ArrayLike<number>): void {
    if (key.length === 0) throw new RangeError('init_by_array: empty key');
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  private generate(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** `genrand_int32`. */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy `mt19937_next_double`: (a * 2^26 + b) / 2^53 with a = u32 >> 5, b = u32 >> 6. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Copy of the 624-word key and the position (numpy `RandomState.get_state()[1:3]`). */
  getState(): { key: Uint32Array; pos: number } {
    return { key: this.mt.slice(), pos: this.pos };
  }
}

/** numpy legacy `RandomState`: the subset CarRacing-v0 uses. */
export class Mt19937RandomState implements UniformSource {
  readonly bitGenerator: Mt19937;

  constructor(bitGenerator: Mt19937) {
    this.bitGenerator = bitGenerator;
  }

  /** `RandomState()` seeded with an explicit `init_by_array` key (`RandomState.seed([...])`). */
  static fromKey(key: ArrayLike<number>): Mt19937RandomState {
    const mt = new Mt19937();
    mt.initByArray(key);
    return new Mt19937RandomState(mt);
  }

  /** gym <= 0.21 `seeding.np_random(seed)`. */
  static fromGymSeed(seed: IntegerSeed): Mt19937RandomState {
    return Mt19937RandomState.fromKey(gymV0SeedKey(seed));
  }

  /** `RandomState.random_sample()`: a double in [0, 1). */
  random(): number {
    return this.bitGenerator.nextDouble();
  }

  /** `RandomState.uniform(low, high)` = low + (high - low) * random_sample(). */
  uniform(low: number, high: number): number {
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError('uniform: high - low must be finite');
    return low + range * this.bitGenerator.nextDouble();
  }
}
