import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TrackMath } from '../../shared/sim/trackGeneration.ts';

/**
 * Test-only: sin/cos/atan2 that return glibc's results where V8's Math differs from them.
 * glibcTrigOverrides.json was recorded with Python's `math` (glibc 2.36, FMA, the same kind of
 * machine as the reference dumps) for every argument the reference tracks use. Injected into the
 * generator, it shows the port matches Gymnasium bit for bit once libm rounds the same way.
 */
interface Overrides {
  sin: [number, number][];
  cos: [number, number][];
  atan2: [number, number, number][];
}

function makeGlibcMath(): TrackMath {
  const o = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../fixtures/glibcTrigOverrides.json'), 'utf8'),
  ) as Overrides;
  const sin = new Map(o.sin.map(([x, r]) => [x, r]));
  const cos = new Map(o.cos.map(([x, r]) => [x, r]));
  const atan2 = new Map(o.atan2.map(([y, x, r]) => [`${y},${x}`, r]));
  return {
    sin: (x) => sin.get(x) ?? Math.sin(x),
    cos: (x) => cos.get(x) ?? Math.cos(x),
    atan2: (y, x) => atan2.get(`${y},${x}`) ?? Math.atan2(y, x),
  };
}

export const GLIBC_MATH: TrackMath = makeGlibcMath();
