import { describe, expect, it } from 'vitest';
import { decodePngToRgb, encodeRgbPng } from './observationPng.ts';

describe('encodeRgbPng', () => {
  it('round-trips RGB bytes losslessly', () => {
    const rgb = new Uint8Array(96 * 96 * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + (i >> 7)) & 255;
    const decoded = decodePngToRgb(encodeRgbPng(rgb, 96, 96));
    expect(decoded.width).toBe(96);
    expect(decoded.height).toBe(96);
    expect(Buffer.from(decoded.rgb).equals(Buffer.from(rgb))).toBe(true);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodeRgbPng(new Uint8Array(10), 96, 96)).toThrow(/expected 27648 RGB bytes/);
  });
});
