/**
 * numpy's `SeedSequence` (numpy/random/bit_generator.pyx), spec §3.1, for an integer entropy
 * with no spawn key and the default pool size of 4. All arithmetic is mod 2^32.
 */

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

/** A seed as Gymnasium accepts it: a non-negative integer (a number must be an exact integer). */
export type IntegerSeed = number | bigint;

/** Normalises a seed to a non-negative bigint, rejecting fractions, negatives, NaN and infinities. */
export function seedToBigInt(seed: IntegerSeed): bigint {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    seed = BigInt(seed);
  }
  if (seed < 0n) throw new RangeError(`seed must be non-negative, got ${seed}`);
  return seed;
}

/**
 * Splits a non-negative integer into 32-bit words, least significant first
 * (numpy `_int_to_uint32_array`). 0 gives [0].
 */
export function seedToUint32Words(seed: IntegerSeed): Uint32Array {
  let n = seedToBigInt(seed);
  if (n === 0n) return Uint32Array.of(0);
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return Uint32Array.from(words);
}

/** `(MIX_MULT_L * x - MIX_MULT_R * y) mod 2^32`, then `r ^ (r >> 16)`. */
function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (r ^ (r >>> XSHIFT)) >>> 0;
}

export class SeedSequence {
  /** The entropy words that were mixed in (least significant first). */
  readonly entropyWords: Uint32Array;
  /** The mixed pool (4 uint32). */
  readonly pool: Uint32Array;

  constructor(seed: IntegerSeed) {
    this.entropyWords = seedToUint32Words(seed);
    this.pool = mixEntropy(this.entropyWords);
  }

  /** numpy `generate_state(nWords, np.uint32)`. */
  generateState32(nWords: number): Uint32Array {
    const out = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let v = (this.pool[i % POOL_SIZE] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      v = (v ^ (v >>> XSHIFT)) >>> 0;
      out[i] = v;
    }
    return out;
  }

  /** numpy `generate_state(nWords, np.uint64)`: pairs of uint32 combined little-endian. */
  generateState64(nWords: number): bigint[] {
    const w = this.generateState32(nWords * 2);
    const out: bigint[] = [];
    for (let k = 0; k < nWords; k++) out.push(BigInt(w[2 * k]) | (BigInt(w[2 * k + 1]) << 32n));
    return out;
  }
}

function mixEntropy(entropy: Uint32Array): Uint32Array {
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> XSHIFT)) >>> 0;
  };
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  return pool;
}
