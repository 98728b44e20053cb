import { describe, expect, it } from 'vitest';
import { niceStep, ratingChartGeometry, type RatingChartPoint } from './ratingChart.ts';

function point(i: number, mu: number, sigma: number): RatingChartPoint {
  return { raceId: `r${i}`, finishedAt: `2026-11-2${i}T10:00:00.000Z`, mu, sigma, ordinal: mu - 3 * sigma };
}

describe('niceStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(10, 4)).toBe(5);
    expect(niceStep(3, 4)).toBe(1);
    expect(niceStep(0.6, 4)).toBeCloseTo(0.2);
    expect(niceStep(170, 4)).toBe(50);
  });
});

describe('ratingChartGeometry', () => {
  const size = { width: 400, height: 200 };

  it('spreads the races over the plot, ordinal under mu, inside the plot area', () => {
    const g = ratingChartGeometry([point(1, 25, 8.3), point(2, 27, 6), point(3, 26, 4)], size);
    expect(g.points.map((p) => p.x)).toEqual([g.plot.left, (g.plot.left + g.plot.right) / 2, g.plot.right]);
    for (const p of g.points) {
      expect(p.y).toBeGreaterThanOrEqual(g.plot.top);
      expect(p.y).toBeLessThanOrEqual(g.plot.bottom);
    }
    // Higher ratings are higher up (smaller y).
    expect(g.points[2]!.y).toBeLessThan(g.points[0]!.y);
    expect(g.ordinalPath.startsWith('M')).toBe(true);
    expect(g.ordinalPath.split('L')).toHaveLength(3);
    expect(g.bandPath.endsWith('Z')).toBe(true);
    expect(g.yTicks.length).toBeGreaterThanOrEqual(3);
    expect(g.yTicks[0]!.y).toBeCloseTo(g.plot.bottom);
    expect(g.yTicks[g.yTicks.length - 1]!.y).toBeCloseTo(g.plot.top);
  });

  it('centres a single race and draws nothing for none', () => {
    const one = ratingChartGeometry([point(1, 25, 8)], size);
    expect(one.points[0]!.x).toBe((one.plot.left + one.plot.right) / 2);
    expect(Number.isFinite(one.points[0]!.y)).toBe(true);
    const none = ratingChartGeometry([], size);
    expect(none.points).toEqual([]);
    expect(none.ordinalPath).toBe('');
  });

  it('keeps a flat history drawable', () => {
    const g = ratingChartGeometry([point(1, 10, 0), point(2, 10, 0)], size);
    for (const p of g.points) expect(Number.isFinite(p.y)).toBe(true);
  });
});
