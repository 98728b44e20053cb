/**
 * The training tools' random numbers: sfc32 seeded through splitmix32, with a Gaussian by
 * Box-Muller. Small, fast and with a four-word state that checkpoints save, so `--resume`
 * continues the exact stream a run without interruption would have drawn.
 */

export type RngState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class SeededRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream from an integer seed (any safe integer; the high bits are folded in). */
  static fromSeed(seed: number): SeededRng {
    const mix = splitmix32((seed >>> 0) ^ Math.floor(seed / 2 ** 32));
    const rng = new SeededRng([mix(), mix(), mix(), mix()]);
    for (let i = 0; i < 12; i++) rng.nextUint32();
    return rng;
  }

  constructor(state: RngState) {
    [this.a, this.b, this.c, this.d] = state.map((x) => x >>> 0) as [number, number, number, number];
  }

  get state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1), 53 bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, one value per call; the pair's twin is dropped for simplicity). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A child stream, e.g. one per individual, independent of how many numbers others draw. */
  fork(): SeededRng {
    return SeededRng.fromSeed(this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11));
  }
}
