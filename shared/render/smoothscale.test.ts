import { describe, expect, it } from 'vitest';
import { UNIFORM, X_AXIS, Y_AXIS } from './cellGrid.ts';
import { newCanvas } from './rgbCanvas.ts';
import { makeShrinkPass, smoothscale } from './smoothscale.ts';

describe('pygame SSE smoothscale 1000x800 -> 96x96 (spec §8.8)', () => {
  it('uses the fixed-point constants of the spec', () => {
    expect([X_AXIS.pass.space, X_AXIS.pass.recip]).toEqual([170666, 6291]);
    expect([Y_AXIS.pass.space, Y_AXIS.pass.recip]).toEqual([136533, 7864]);
    expect(makeShrinkPass(1000, 96).boundary.length).toBe(96);
  });

  it('maps a uniform image of value k to k - 2 (k >= 2), 1 -> 0, 0 -> 0', () => {
    const canvas = newCanvas(1000, 800);
    for (const k of [0, 1, 2, 3, 77, 102, 204, 230, 255]) {
      canvas.data.fill(k);
      const out = smoothscale(canvas, 96, 96);
      const want = Math.max(k - 2, 0);
      expect(out.every((v) => v === want)).toBe(true);
    }
    for (let k = 0; k < 256; k++) expect(UNIFORM[k]).toBe(Math.max(k - 2, 0));
  });

  it('averages a white rectangle with partial edge weights', () => {
    const canvas = newCanvas(1000, 800);
    // white on rows 105..304, columns 105..404 (not aligned with the 10.4 x 8.3 px bins)
    for (let y = 105; y < 305; y++) canvas.data.fill(255, (y * 1000 + 105) * 3, (y * 1000 + 405) * 3);
    const out = smoothscale(canvas, 96, 96);
    const at = (i: number, j: number) => out[(i * 96 + j) * 3];
    // deep inside: 253; far outside: 0; the boundary columns/rows are partial
    expect(at(20, 20)).toBe(253);
    expect(at(5, 5)).toBe(0);
    // column bin 10 covers x 104.2..114.6, row bin 12 covers y 100..108.3
    expect(at(20, 10)).toBeGreaterThan(0);
    expect(at(20, 10)).toBeLessThan(253);
    expect(at(12, 20)).toBeGreaterThan(0);
    expect(at(12, 20)).toBeLessThan(253);
    // G channel equals R (channels are independent, identical input)
    for (let p = 0; p < 96 * 96; p++) expect(out[p * 3 + 1]).toBe(out[p * 3]);
  });
});
