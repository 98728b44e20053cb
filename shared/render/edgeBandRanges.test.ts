import { describe, expect, it } from 'vitest';
import { STATE_H } from '../sim/constants.ts';
import { Y_AXIS } from './cellGrid.ts';
import { toInt16 } from './gfxPolygon.ts';
import { addGfxLayer, edgeBandRange, edgeBandRanges, newLayers, resetLayers } from './layers.ts';
import { mulberry32 } from './testScenes.ts';

describe('edgeBandRanges', () => {
  it('equals edgeBandRange on every row band, for random clipped, tiny and huge polygons', () => {
    const rnd = mulberry32(5);
    const ls = newLayers();
    const range = new Int32Array(2);
    const bandA = new Int32Array(STATE_H);
    const bandB = new Int32Array(STATE_H);
    for (let iter = 0; iter < 600; iter++) {
      const n = 3 + Math.floor(rnd() * 6);
      const scale = [2, 10, 60, 300, 3000][iter % 5];
      const cx = -200 + rnd() * 1400;
      const cy = -200 + rnd() * 1200;
      const vx = new Int32Array(n);
      const vy = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        vx[i] = toInt16(Math.trunc(cx + scale * (rnd() - 0.5)));
        vy[i] = toInt16(Math.trunc(cy + scale * (rnd() - 0.5) * (iter % 4 === 1 ? 0.05 : 1)));
      }
      resetLayers(ls);
      const l = addGfxLayer(ls, 0xffffff, vx, vy, 0, n);
      // a sub-range of the bands, as classifyLayer asks for
      const iFrom = iter % 3 === 0 ? Math.floor(rnd() * STATE_H) : 0;
      const iTo = iter % 3 === 0 ? iFrom + Math.floor(rnd() * (STATE_H - iFrom)) : STATE_H - 1;
      bandA.fill(100000);
      bandB.fill(-1);
      for (let q = ls.edgeStart[l]; q < ls.edgeStart[l] + ls.edgeCount[l]; q++)
        edgeBandRanges(ls, q, iFrom, iTo, Y_AXIS.lo, Y_AXIS.hi, bandA, bandB);
      for (let i = 0; i < STATE_H; i++) {
        let a = 100000;
        let b = -1;
        if (i >= iFrom && i <= iTo) {
          for (let q = ls.edgeStart[l]; q < ls.edgeStart[l] + ls.edgeCount[l]; q++) {
            edgeBandRange(ls, q, Y_AXIS.lo[i], Y_AXIS.hi[i], range);
            if (range[0] > range[1]) continue;
            a = Math.min(a, range[0]);
            b = Math.max(b, range[1]);
          }
        }
        expect([bandA[i], bandB[i]], `case ${iter} band ${i}`).toEqual([a, b]);
      }
    }
  });
});
