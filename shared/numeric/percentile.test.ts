import { describe, expect, it } from 'vitest';
import { percentile, percentileOfSorted } from './percentile.ts';

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p% of the values at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentileOfSorted(Float64Array.of(1, 2, 3, 4), 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });
});
