/**
 * Bit-exactness of the numpy RNG ports against the reference dumps
 * (spec/carracing_reference/rng.json and each ref/data episode's `rng` block).
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, REF_DATA_DIR, SPEC_REFERENCE_DIR } from '../../../test/support/referenceData.ts';
import { TRACK_RAD } from '../constants.ts';
import { gymV0SeedKey } from './mt19937.ts';
import { Pcg64, Pcg64Generator } from './pcg64.ts';
import { createTrackRng } from './uniformSource.ts';

interface RngJson {
  gymnasium_seed0_first30_uniform01: number[];
  gymnasium_seed0_integers3_x5_then_2_uniform01: { ints: number[]; then: number[] };
  gym_v0_seed0_mt19937_key: number[];
  gym_v0_seed0_first30_uniform01: number[];
}

interface EpisodeRng {
  pcg64_initial_state: { bit_generator: string; state: string; inc: string };
  first_random_doubles: number[];
  first_raw_uint64: string[];
  uniform_draws_per_attempt: [number, number][][];
  replay_matches_env_rng_state: boolean;
}

const rngJson = readJson<RngJson>(resolve(SPEC_REFERENCE_DIR, 'rng.json'));

/** Every episode file in ref/data (continuous_seed_NN.json, lap_seed_NN.json, ...). Must not be empty. */
const episodeFiles = readdirSync(REF_DATA_DIR)
  .filter((f) => /_seed_\d+\.json$/.test(f))
  .sort();

describe('rng.json (spec/carracing_reference)', () => {
  it('Gymnasium seed 0: first 30 Generator.random() values', () => {
    const g = createTrackRng(0, 'v3');
    const expected = rngJson.gymnasium_seed0_first30_uniform01;
    expect(expected).toHaveLength(30);
    expected.forEach((v, i) => expect(g.uniform(0, 1), `seed 0 uniform #${i}`).toBe(v));
  });

  it('Gymnasium seed 0: random() equals uniform(0, 1)', () => {
    const a = Pcg64Generator.fromSeed(0);
    rngJson.gymnasium_seed0_first30_uniform01.forEach((v, i) => expect(a.random(), `seed 0 random #${i}`).toBe(v));
  });

  it('Gymnasium seed 0: 5 x integers(3) then 2 uniforms (32-bit cache does not affect doubles)', () => {
    const g = createTrackRng(0, 'v3');
    const { ints, then } = rngJson.gymnasium_seed0_integers3_x5_then_2_uniform01;
    ints.forEach((v, i) => expect(g.integers(3), `seed 0 integers(3) #${i}`).toBe(v));
    then.forEach((v, i) => expect(g.uniform(0, 1), `seed 0 uniform after ints #${i}`).toBe(v));
  });

  it('gym v0 seed 0: MT19937 key from sha512', () => {
    expect(Array.from(gymV0SeedKey(0))).toEqual(rngJson.gym_v0_seed0_mt19937_key);
  });

  it('gym v0 seed 0: first 30 RandomState.uniform values', () => {
    const r = createTrackRng(0, 'v0');
    const expected = rngJson.gym_v0_seed0_first30_uniform01;
    expect(expected).toHaveLength(30);
    expected.forEach((v, i) => expect(r.uniform(0, 1), `v0 seed 0 uniform #${i}`).toBe(v));
  });
});

describe('episode rng blocks (ref/data)', () => {
  it('finds episode files', () => {
    expect(episodeFiles.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of episodeFiles) {
    const ep = readJson<{ seed: number; rng: EpisodeRng }>(resolve(REF_DATA_DIR, file));
    const { seed, rng } = ep;

    it(`${file} (seed ${seed}): PCG64 initial state`, () => {
      const st = Pcg64.fromSeed(seed).getState();
      expect(st.state === BigInt(rng.pcg64_initial_state.state), `seed ${seed} state`).toBe(true);
      expect(st.inc === BigInt(rng.pcg64_initial_state.inc), `seed ${seed} inc`).toBe(true);
    });

    it(`${file} (seed ${seed}): first random doubles and raw uint64`, () => {
      const g = Pcg64Generator.fromSeed(seed);
      rng.first_random_doubles.forEach((v, i) => expect(g.random(), `seed ${seed} random #${i}`).toBe(v));
      const p = Pcg64.fromSeed(seed);
      rng.first_raw_uint64.forEach((v, i) => {
        const got = p.nextUint64();
        expect(got === BigInt(v), `seed ${seed} raw #${i}: got ${got}, want ${v}`).toBe(true);
      });
    });

    it(`${file} (seed ${seed}): uniform draws per track attempt`, () => {
      expect(rng.uniform_draws_per_attempt.length).toBeGreaterThanOrEqual(1);
      const g = createTrackRng(seed, 'v3');
      rng.uniform_draws_per_attempt.forEach((attempt, a) => {
        expect(attempt).toHaveLength(12);
        attempt.forEach(([noise, rad], c) => {
          expect(g.uniform(0, (2 * Math.PI * 1) / 12), `seed ${seed} attempt ${a} checkpoint ${c} noise`).toBe(noise);
          expect(g.uniform(TRACK_RAD / 3, TRACK_RAD), `seed ${seed} attempt ${a} checkpoint ${c} rad`).toBe(rad);
        });
      });
    });
  }
});
