import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, SPEC_REFERENCE_DIR } from '../../test/support/referenceData.ts';
import { SCORE_GLYPH_CHARS, SCORE_GLYPH_DATA_BASE64, SCORE_GLYPH_WIDTHS } from './scoreGlyphs.ts';
import { decodeBase64, formatScore, renderTextStrip, TEXT_TOP } from './scoreText.ts';

describe('HUD score text (spec §8.7)', () => {
  it('formats like Python "%04i"', () => {
    const cases: [number, string][] = [
      [35.87, '0035'],
      [-3.2, '-003'],
      [-0.3, '0000'],
      [1234.5, '1234'],
      [6.269592476489028, '0006'],
      [-1234.5, '-1234'],
      [12345.6, '12345'],
      [0, '0000'],
      [-0, '0000'],
      [1e22, '10000000000000000000000'],
    ];
    for (const [v, s] of cases) expect(formatScore(v)).toBe(s);
  });

  it('embeds exactly the glyph bitmaps of glyphs_freesansbold42.json', () => {
    const json = readJson<{ glyphs: Record<string, { w: number; h: number; gray_rows: number[][] }> }>(
      resolve(SPEC_REFERENCE_DIR, 'glyphs_freesansbold42.json'),
    );
    const data = decodeBase64(SCORE_GLYPH_DATA_BASE64);
    let o = 0;
    for (let i = 0; i < SCORE_GLYPH_CHARS.length; i++) {
      const g = json.glyphs[SCORE_GLYPH_CHARS[i]];
      expect(SCORE_GLYPH_WIDTHS[i]).toBe(g.w);
      for (const row of g.gray_rows) for (const v of row) expect(data[o++]).toBe(v);
    }
    expect(o).toBe(data.length);
  });

  it('lays the text out centred at (60, 750): 4 digits span x 14..105, y 729..770', () => {
    const strip = renderTextStrip('0035');
    expect([strip.width, strip.left, strip.top, TEXT_TOP]).toEqual([92, 14, 729, 729]);
    expect(renderTextStrip('-003').left).toBe(60 - (83 >> 1));
  });
});
