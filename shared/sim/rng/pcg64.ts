/**
 * numpy `Generator(PCG64(SeedSequence(seed)))`, the RNG Gymnasium v1+ builds in
 * `reset(seed=...)` (spec §3.1). PCG64 is numpy's XSL-RR 128/64 variant: advance the LCG, then
 * output rotr64(hi ^ lo, state >> 122).
 *
 * The 128-bit LCG uses BigInt. Tracks need only ~24-72 draws, so clarity wins over speed here.
 */
import { SeedSequence, type IntegerSeed } from './seedSequence.ts';
import type { UniformSource } from './uniformSource.ts';

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
/** PCG_DEFAULT_MULTIPLIER_128. */
const PCG64_MULT = 0x2360ed051fc65da44385df649fccf645n;
/** 2^-53 */
const TWO_POW_MINUS_53 = 1.0 / 9007199254740992.0;

/** The state numpy reports in `PCG64.state` (plus the 32-bit cache it keeps beside it). */
export interface Pcg64State {
  readonly state: bigint;
  readonly inc: bigint;
  readonly hasUint32: boolean;
  readonly uinteger: number;
}

/** The raw PCG64 bit generator (numpy `PCG64`). */
export class Pcg64 {
  private state: bigint;
  private readonly inc: bigint;
  /** numpy's one-word cache: the high half of a 64-bit output, served by the next 32-bit request. */
  private hasUint32 = false;
  private uinteger = 0;

  /** Seeds from the first 4 uint64 words of `SeedSequence(seed).generate_state(4, uint64)`. */
  static fromSeed(seed: IntegerSeed): Pcg64 {
    const [s0, s1, s2, s3] = new SeedSequence(seed).generateState64(4);
    return new Pcg64((s0 << 64n) | s1, (s2 << 64n) | s3);
  }

  /** `pcg_setseq_128_srandom_r(initstate, initseq)`. */
  constructor(initState: bigint, initSeq: bigint) {
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG64_MULT + this.inc) & MASK128;
  }

  /** The next raw 64-bit output (numpy `random_raw`). Does not touch the 32-bit cache. */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & MASK64;
    const rot = s >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & MASK64;
  }

  /** numpy `next_uint32`: low half of a fresh output, caching the high half for the next call. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const next = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = Number(next >> 32n);
    return Number(next & 0xffffffffn);
  }

  /** numpy `next_double`: (next_uint64 >> 11) * 2^-53. Never reads or clears the 32-bit cache. */
  nextDouble(): number {
    return Number(this.nextUint64() >> 11n) * TWO_POW_MINUS_53;
  }

  getState(): Pcg64State {
    return { state: this.state, inc: this.inc, hasUint32: this.hasUint32, uinteger: this.uinteger };
  }
}

/** numpy `Generator` over PCG64: the subset CarRacing uses. */
export class Pcg64Generator implements UniformSource {
  readonly bitGenerator: Pcg64;

  constructor(bitGenerator: Pcg64) {
    this.bitGenerator = bitGenerator;
  }

  /** `np.random.default_rng(seed)` / Gymnasium's `seeding.np_random(seed)`. */
  static fromSeed(seed: IntegerSeed): Pcg64Generator {
    return new Pcg64Generator(Pcg64.fromSeed(seed));
  }

  /** `Generator.random()`: a double in [0, 1). */
  random(): number {
    return this.bitGenerator.nextDouble();
  }

  /** `Generator.uniform(low, high)` = low + (high - low) * random(). */
  uniform(low: number, high: number): number {
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError('uniform: high - low must be finite');
    return low + range * this.bitGenerator.nextDouble();
  }

  /**
   * `Generator.integers(n)` (int64 dtype, endpoint false): an integer in [0, n), for
   * 1 <= n <= 2^32. Uses one 32-bit draw (with numpy's cache) and Lemire's rejection rule;
   * n = 1 consumes nothing.
   */
  integers(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) {
      throw new RangeError(`integers: n must be an integer in [1, 2^32], got ${n}`);
    }
    const rng = n - 1;
    if (rng === 0) return 0;
    if (rng === 0xffffffff) return this.bitGenerator.nextUint32();
    // buffered_bounded_lemire_uint32
    const rngExcl = BigInt(n);
    let m = BigInt(this.bitGenerator.nextUint32()) * rngExcl;
    let leftover = m & 0xffffffffn;
    if (leftover < rngExcl) {
      const threshold = (0xffffffffn - BigInt(rng)) % rngExcl;
      while (leftover < threshold) {
        m = BigInt(this.bitGenerator.nextUint32()) * rngExcl;
        leftover = m & 0xffffffffn;
      }
    }
    return Number(m >> 32n);
  }
}
