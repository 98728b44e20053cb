/**
 * The only thing track generation needs from a random stream (spec §3): uniform doubles.
 */
import { Mt19937RandomState } from './mt19937.ts';
import { Pcg64Generator } from './pcg64.ts';
import type { IntegerSeed } from './seedSequence.ts';

export interface UniformSource {
  /** A double in [low, high), computed as low + (high - low) * d like numpy. */
  uniform(low: number, high: number): number;
}

/** Which seeding the track RNG follows: Gymnasium v1+ (PCG64) or gym <= 0.21 CarRacing-v0 (MT19937). */
export type TrackRngStyle = 'v3' | 'v0';

/**
 * The env RNG right after seeding with `seed`: `Generator(PCG64(SeedSequence(seed)))` for 'v3',
 * `RandomState` seeded the gym-v0 way (sha512 of the seed) for 'v0'.
 */
export function createTrackRng(seed: IntegerSeed, style: 'v3'): Pcg64Generator;
export function createTrackRng(seed: IntegerSeed, style: 'v0'): Mt19937RandomState;
export function createTrackRng(seed: IntegerSeed, style: TrackRngStyle): Pcg64Generator | Mt19937RandomState;
export function createTrackRng(seed: IntegerSeed, style: TrackRngStyle): Pcg64Generator | Mt19937RandomState {
  switch (style) {
    case 'v3':
      return Pcg64Generator.fromSeed(seed);
    case 'v0':
      return Mt19937RandomState.fromGymSeed(seed);
    default:
      throw new RangeError(`unknown RNG style ${String(style)}`);
  }
}
