import { describe, expect, it } from 'vitest';
import { drawPolygon, drawPolygonIntersection } from './drawPolygon.ts';
import { aaPolygon, clipLine, filledPolygon, gfxIntersection, round16 } from './gfxPolygon.ts';
import { newCanvas, type RgbCanvas } from './rgbCanvas.ts';

function lit(c: RgbCanvas): Set<string> {
  const s = new Set<string>();
  for (let y = 0; y < c.height; y++)
    for (let x = 0; x < c.width; x++) if (c.data[(y * c.width + x) * 3] !== 0) s.add(`${x},${y}`);
  return s;
}

function value(c: RgbCanvas, x: number, y: number): number {
  return c.data[(y * c.width + x) * 3];
}

describe('SDL_gfx filled_polygon (spec §8.4b)', () => {
  it('fills a square including its far edges', () => {
    const c = newCanvas(40, 40);
    filledPolygon(c, [10, 20, 20, 10], [10, 10, 20, 20], 4, 0xffffff);
    const s = lit(c);
    expect(s.size).toBe(11 * 11);
    expect(s.has('10,10') && s.has('20,20') && !s.has('21,20') && !s.has('20,21')).toBe(true);
  });

  it('computes 16.16 intersections and rounds them like the C code', () => {
    expect(gfxIntersection(5, 0, 0, 10, 10)).toBe(5 * 65536);
    expect(round16(5 * 65536 + 1)).toBe(5);
    expect(round16(5 * 65536 - 1)).toBe(5);
    expect(round16(5 * 65536 + 0x8000)).toBe(6);
  });
});

describe('SDL_gfx aapolygon (spec §8.4a)', () => {
  it('draws axis-aligned edges as full-colour runs, a leftward horizontal edge as its first pixel only', () => {
    const c = newCanvas(40, 40);
    aaPolygon(c, [10, 20, 20, 10], [10, 10, 20, 20], 4, 0xffffff);
    const s = lit(c);
    // top edge (10,10)->(20,10), right edge x=20, left edge x=10: full runs; bottom edge
    // (20,20)->(10,20) has dx < 0 and draws only (20,20)
    for (let x = 10; x <= 20; x++) expect(s.has(`${x},10`)).toBe(true);
    for (let y = 10; y <= 20; y++) expect(s.has(`20,${y}`) && s.has(`10,${y}`)).toBe(true);
    for (let x = 11; x <= 19; x++) expect(s.has(`${x},20`)).toBe(false);
  });

  it('blends a y-major Wu line with complementary weights', () => {
    const c = newCanvas(40, 40);
    aaPolygon(c, [5, 8, 5], [5, 25, 25], 3, 0xffffff);
    // on row 15 the edge (5,5)->(8,25) leaves two pixels right of the vertical edge x = 5,
    // whose alphas add to about 255
    const row = [6, 7, 8, 9].map((x) => value(c, x, 15));
    const sum = row.reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThanOrEqual(250);
    expect(sum).toBeLessThanOrEqual(255);
    expect(row.filter((v) => v > 0).length).toBe(2);
  });

  it('clips lines to the surface with Cohen-Sutherland in float32', () => {
    const out = new Int32Array(4);
    expect(clipLine(-10, 5, 10, 5, 40, 40, out)).toBe(true);
    expect(Array.from(out).sort((a, b) => a - b)).toEqual([0, 5, 5, 10]);
    expect(clipLine(-10, -5, -1, -20, 40, 40, out)).toBe(false);
  });
});

describe('pygame.draw.polygon (spec §8.5)', () => {
  it('differs between the <= 2.5 and >= 2.6 edge rules only on edges leaning left', () => {
    // edge from (10, 0) down-left to (0, 7): quotient negative
    expect(drawPolygonIntersection(3, 10, 0, 0, 7, true)).toBe(Math.trunc((3 * -10) / 7) + 10); // 6
    expect(drawPolygonIntersection(3, 10, 0, 0, 7, false)).toBe(Math.trunc((3 * -10) / 7 + 10)); // 5
    const a = newCanvas(30, 30);
    const b = newCanvas(30, 30);
    drawPolygon(a, [10, 20, 0], [0, 7, 7], 3, 0xffffff, 'pygame2.5');
    drawPolygon(b, [10, 20, 0], [0, 7, 7], 3, 0xffffff, 'pygame2.6');
    expect(lit(a).size).toBeLessThan(lit(b).size);
  });

  it('covers both boundaries of a rectangle', () => {
    const c = newCanvas(30, 30);
    drawPolygon(c, [2, 12, 12, 2], [3, 3, 8, 8], 4, 0xffffff, 'pygame2.6');
    expect(lit(c).size).toBe(11 * 6);
  });
});
