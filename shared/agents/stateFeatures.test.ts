import { describe, expect, it } from 'vitest';
import { createCarRacingEnv } from '../env/carRacingEnv.ts';
import { computeStateFeatures, STATE_FEATURE_COUNT } from './stateFeatures.ts';

describe('state-v1 features', () => {
  it('on the grid the road runs straight ahead; under gas the car gains forward speed', () => {
    const env = createCarRacingEnv({ render: false });
    env.reset({ seed: 4 });
    const f = new Float32Array(STATE_FEATURE_COUNT);
    computeStateFeatures(env.simulation!, env.track!.points, 0, f);
    expect(f.length).toBe(24);
    expect(f[0]).toBeCloseTo(0, 3);
    // The first lookahead points lie ahead of the car (forward > 0), not far to the side.
    expect(f[5]).toBeGreaterThan(0);
    expect(Math.abs(f[4])).toBeLessThan(Math.abs(f[5]) + 0.1);
    expect(f[23]).toBeGreaterThan(f[5]);
    for (let t = 0; t < 60; t++) env.step([0, 1, 0]);
    computeStateFeatures(env.simulation!, env.track!.points, 0, f);
    expect(f[0]).toBeGreaterThan(0.1);
    expect(Math.abs(f[1])).toBeLessThan(f[0]);
    expect(f.every(Number.isFinite)).toBe(true);
  });
});
