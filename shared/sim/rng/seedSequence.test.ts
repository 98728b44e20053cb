/**
 * Multi-word seeds (>= 2^32) and SeedSequence word handling. No reference dump has them, so
 * the expected values below were produced at dev time with numpy 2.4.6 (python3):
 *   ss = np.random.SeedSequence(s); ss.pool; np.random.PCG64(ss).state
 *   np.random.PCG64(np.random.SeedSequence(s)).random_raw(3)
 *   np.random.Generator(np.random.PCG64(np.random.SeedSequence(s))).random(4)
 *   r = Generator(...); [r.integers(3) for _ in range(3)] + [r.integers(1000)]; r.random()
 * and for gym v0: key = int.from_bytes(sha512(str(s % 2**64).encode()).digest()[:8], 'little')
 * split into 32-bit words; rs = np.random.RandomState(); rs.seed(key);
 * rs.uniform(0, 2*np.pi*1/12), rs.uniform(150/3, 150).
 */
import { describe, expect, it } from 'vitest';
import { gymV0SeedKey } from './mt19937.ts';
import { Pcg64, Pcg64Generator } from './pcg64.ts';
import { SeedSequence, seedToUint32Words } from './seedSequence.ts';
import { createTrackRng } from './uniformSource.ts';

interface NumpyCase {
  seed: bigint;
  pool: number[];
  state: string;
  inc: string;
  raw: string[];
  random: number[];
  ints: number[];
  after: number;
}

const NUMPY_CASES: NumpyCase[] = [
  {
    seed: 2n ** 40n + 123n, // 2 words
    pool: [4023448168, 324972226, 1138455166, 246637555],
    state: '234546124925497759119639162571518520621',
    inc: '72642330430631677096171938023779887263',
    raw: ['13973813172651037577', '17866543086717830460', '10696911152006110966'],
    random: [0.7575219299847407, 0.968547241471267, 0.5798807154944722, 0.6001823081659644],
    ints: [0, 2, 2, 968],
    after: 0.5798807154944722,
  },
  {
    seed: 2n ** 64n + 5n, // 3 words
    pool: [108568305, 305444451, 2968744074, 1512150343],
    state: '82198893632756860457480622928286300123',
    inc: '147532327745675427416722557590661343967',
    raw: ['13699624189639919438', '7212933818401888033', '12639912000726136506'],
    random: [0.7426581154321283, 0.3910139257952745, 0.6852110025606437, 0.4106650053839328],
    ints: [2, 2, 1, 391],
    after: 0.6852110025606437,
  },
  {
    seed: 2n ** 32n, // words [0, 1]
    pool: [3774083058, 3704433742, 401706016, 2609690843],
    state: '48934169112922715694246890610800379348',
    inc: '159503441853545908714793740543692941767',
    raw: ['16412783775159424549', '10277383025879800780', '14774146505460541886'],
    random: [0.8897387912781343, 0.5571380502062263, 0.8009080868919721, 0.9565138174753386],
    ints: [1, 2, 2, 557],
    after: 0.8009080868919721,
  },
  {
    seed: 2n ** 128n + 2n ** 96n * 7n + 9n, // 5 words: exercises the "extra words beyond the pool" loop
    pool: [176187511, 1604525829, 2472397051, 865835384],
    state: '52642552907454493755648484978840879761',
    inc: '70156307065863149651986046879091061083',
    raw: ['15771320592984484824', '3365398716824152592', '7466805618959121068'],
    random: [0.8549650024939576, 0.18243863000303373, 0.4047763436801225, 0.2568006163902773],
    ints: [2, 2, 1, 182],
    after: 0.4047763436801225,
  },
  {
    seed: 12345678901234567890123456789012345678901234567890n, // 6 words
    pool: [4293404237, 819204234, 559857579, 2892496145],
    state: '262653867448442562761863416505403819838',
    inc: '203792189235679213760508983876132665653',
    raw: ['17197031235857702288', '12499716069323655747', '6070706800105637967'],
    random: [0.9322529313108999, 0.6776109658906339, 0.3290936750598529, 0.17383767934695382],
    ints: [1, 2, 2, 677],
    after: 0.3290936750598529,
  },
];

describe('SeedSequence word splitting', () => {
  it('splits least significant word first, 0 gives [0]', () => {
    expect(Array.from(seedToUint32Words(0))).toEqual([0]);
    expect(Array.from(seedToUint32Words(1))).toEqual([1]);
    expect(Array.from(seedToUint32Words(0xffffffff))).toEqual([0xffffffff]);
    expect(Array.from(seedToUint32Words(2 ** 32))).toEqual([0, 1]);
    expect(Array.from(seedToUint32Words(2 ** 40 + 123))).toEqual([123, 256]);
    expect(Array.from(seedToUint32Words(2n ** 64n + 5n))).toEqual([5, 0, 1]);
  });

  it('number and bigint seeds are the same seed', () => {
    for (const s of [0, 7, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 123, Number.MAX_SAFE_INTEGER]) {
      expect(Array.from(new SeedSequence(s).pool), `seed ${s}`).toEqual(Array.from(new SeedSequence(BigInt(s)).pool));
      expect(createTrackRng(s, 'v3').uniform(0, 1), `seed ${s}`).toBe(createTrackRng(BigInt(s), 'v3').uniform(0, 1));
    }
  });

  it('words above the first matter: 5 and 2^64 + 5 give different pools', () => {
    expect(Array.from(new SeedSequence(5).pool)).not.toEqual(Array.from(new SeedSequence(2n ** 64n + 5n).pool));
  });

  it('rejects negative and fractional seeds', () => {
    expect(() => new SeedSequence(-1)).toThrow(RangeError);
    expect(() => new SeedSequence(1.5)).toThrow(RangeError);
    expect(() => new SeedSequence(Number.NaN)).toThrow(RangeError);
    expect(() => new SeedSequence(-1n)).toThrow(RangeError);
  });

  it('generateState64 pairs generateState32 little-endian', () => {
    const ss = new SeedSequence(2n ** 64n + 5n);
    const w32 = ss.generateState32(8);
    const w64 = ss.generateState64(4);
    for (let k = 0; k < 4; k++) expect(w64[k]).toBe(BigInt(w32[2 * k]) | (BigInt(w32[2 * k + 1]) << 32n));
  });
});

describe('multi-word seeds against numpy (values hard-coded, see file header)', () => {
  for (const c of NUMPY_CASES) {
    it(`seed ${c.seed}: pool, PCG64 state, raw outputs, doubles, integers`, () => {
      expect(Array.from(new SeedSequence(c.seed).pool), `seed ${c.seed} pool`).toEqual(c.pool);
      const st = Pcg64.fromSeed(c.seed).getState();
      expect(st.state === BigInt(c.state), `seed ${c.seed} state`).toBe(true);
      expect(st.inc === BigInt(c.inc), `seed ${c.seed} inc`).toBe(true);
      const p = Pcg64.fromSeed(c.seed);
      c.raw.forEach((v, i) => expect(p.nextUint64() === BigInt(v), `seed ${c.seed} raw #${i}`).toBe(true));
      const g = Pcg64Generator.fromSeed(c.seed);
      c.random.forEach((v, i) => expect(g.random(), `seed ${c.seed} random #${i}`).toBe(v));
      const h = Pcg64Generator.fromSeed(c.seed);
      expect([h.integers(3), h.integers(3), h.integers(3), h.integers(1000)], `seed ${c.seed} integers`).toEqual(
        c.ints,
      );
      expect(h.random(), `seed ${c.seed} random after integers`).toBe(c.after);
    });
  }

  it('seed 2**40 + 123 given as a number equals the bigint', () => {
    const g = Pcg64Generator.fromSeed(2 ** 40 + 123);
    expect(g.random()).toBe(NUMPY_CASES[0].random[0]);
  });

  it('integers(1) consumes nothing', () => {
    const a = Pcg64Generator.fromSeed(0);
    expect(a.integers(1)).toBe(0);
    expect(a.random()).toBe(Pcg64Generator.fromSeed(0).random());
  });
});

describe('gym v0 seeding (MT19937) for other seeds', () => {
  const cases: { seed: bigint; key: number[]; uniform: [number, number] }[] = [
    { seed: 1n, key: [2739863373, 598274112], uniform: [0.42274864357742425, 101.45000719859269] },
    { seed: 5n, key: [923131654, 933396761], uniform: [0.06582559434790745, 76.83054575332527] },
    // seed mod 2^64: 2^64 + 5 is the same as 5
    { seed: 2n ** 64n + 5n, key: [923131654, 933396761], uniform: [0.06582559434790745, 76.83054575332527] },
    { seed: 2n ** 40n + 123n, key: [4252440207, 3045514028], uniform: [0.2727583191134027, 74.39093804249264] },
  ];
  for (const c of cases) {
    it(`seed ${c.seed}`, () => {
      expect(Array.from(gymV0SeedKey(c.seed)), `v0 seed ${c.seed} key`).toEqual(c.key);
      const r = createTrackRng(c.seed, 'v0');
      expect(r.uniform(0, (2 * Math.PI * 1) / 12), `v0 seed ${c.seed} noise`).toBe(c.uniform[0]);
      expect(r.uniform(150 / 3, 150), `v0 seed ${c.seed} rad`).toBe(c.uniform[1]);
    });
  }
});
