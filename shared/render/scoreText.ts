/**
 * The HUD score text (spec §8.7): "%04i" of the running reward, rendered with pygame's default font
 * (FreeSansBold, size 42, anti-aliased, white on black) and blitted - background included - with its
 * centre at (60, 750) of the 1000x800 canvas.
 */
import { WINDOW_H } from '../sim/constants.ts';
import { SCORE_GLYPH_CHARS, SCORE_GLYPH_DATA_BASE64, SCORE_GLYPH_HEIGHT, SCORE_GLYPH_WIDTHS } from './scoreGlyphs.ts';
import type { RgbCanvas } from './rgbCanvas.ts';

/**
 * Python's "%04i" % reward: truncate toward zero, zero-pad to width 4 with the sign counted.
 * Python raises on NaN/inf; we render those as "0000" (documented deviation, never reached by the env).
 */
export function formatScore(reward: number): string {
  if (!Number.isFinite(reward)) return '0000';
  const n = Math.trunc(reward);
  const digits = Math.abs(n) < 1e15 ? String(Math.abs(n)) : BigInt(Math.abs(n)).toString();
  return n < 0 ? '-' + digits.padStart(3, '0') : digits.padStart(4, '0');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function decodeBase64(text: string): Uint8Array {
  const lut = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lut[B64.charCodeAt(i)] = i;
  let len = text.length;
  while (len > 0 && text[len - 1] === '=') len--;
  const out = new Uint8Array(Math.floor((len * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const v = lut[text.charCodeAt(i)];
    if (v < 0) throw new Error('decodeBase64: bad character');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

export const TEXT_HEIGHT = SCORE_GLYPH_HEIGHT;
/** Canvas row of the text's top edge: 750 - 42 // 2. */
export const TEXT_TOP = Math.trunc(WINDOW_H - (WINDOW_H * 2.5) / 40.0) - (SCORE_GLYPH_HEIGHT >> 1);
/** Canvas x of the text's centre. */
export const TEXT_CENTER_X = 60;

interface GlyphTable {
  readonly data: Uint8Array;
  /** Per char code: byte offset of the glyph in `data`, -1 if absent. */
  readonly offset: Int32Array;
  readonly width: Int32Array;
}

let glyphTable: GlyphTable | null = null;

function glyphs(): GlyphTable {
  if (glyphTable) return glyphTable;
  const data = decodeBase64(SCORE_GLYPH_DATA_BASE64);
  const offset = new Int32Array(128).fill(-1);
  const width = new Int32Array(128);
  let o = 0;
  for (let i = 0; i < SCORE_GLYPH_CHARS.length; i++) {
    const code = SCORE_GLYPH_CHARS.charCodeAt(i);
    offset[code] = o;
    width[code] = SCORE_GLYPH_WIDTHS[i];
    o += SCORE_GLYPH_WIDTHS[i] * SCORE_GLYPH_HEIGHT;
  }
  if (o !== data.length) throw new Error('scoreGlyphs: data length mismatch');
  glyphTable = { data, offset, width };
  return glyphTable;
}

/**
 * The rendered text as a grey-level strip (pygame's text surface): `width` x 42 bytes, row-major,
 * plus its top-left on the canvas. Reuses `out` when it is large enough.
 */
export interface TextStrip {
  width: number;
  left: number;
  top: number;
  gray: Uint8Array;
}

export function newTextStrip(): TextStrip {
  return { width: 0, left: 0, top: TEXT_TOP, gray: new Uint8Array(8 * 23 * SCORE_GLYPH_HEIGHT) };
}

export function renderTextStrip(text: string, strip: TextStrip = newTextStrip()): TextStrip {
  const g = glyphs();
  let width = 0;
  for (let i = 0; i < text.length; i++) width += g.width[text.charCodeAt(i)];
  if (strip.gray.length < width * TEXT_HEIGHT) strip.gray = new Uint8Array(width * TEXT_HEIGHT);
  const gray = strip.gray;
  let x0 = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const gw = g.width[code];
    const go = g.offset[code];
    for (let r = 0; r < TEXT_HEIGHT; r++) {
      const src = go + r * gw;
      const dst = r * width + x0;
      for (let c = 0; c < gw; c++) gray[dst + c] = g.data[src + c];
    }
    x0 += gw;
  }
  strip.width = width;
  strip.left = TEXT_CENTER_X - (width >> 1);
  strip.top = TEXT_TOP;
  return strip;
}

/** Blits the strip (background included) into the canvas, clipped. */
export function blitTextStrip(canvas: RgbCanvas, strip: TextStrip): void {
  const d = canvas.data;
  for (let r = 0; r < TEXT_HEIGHT; r++) {
    const y = strip.top + r;
    if (y < 0 || y >= canvas.height) continue;
    for (let c = 0; c < strip.width; c++) {
      const x = strip.left + c;
      if (x < 0 || x >= canvas.width) continue;
      const v = strip.gray[r * strip.width + c];
      const o = (y * canvas.width + x) * 3;
      d[o] = v;
      d[o + 1] = v;
      d[o + 2] = v;
    }
  }
}
