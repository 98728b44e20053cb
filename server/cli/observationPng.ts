/** Writes RGB observations (row-major [row][col][rgb] bytes) as lossless PNG files. */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  }
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

export function writeRgbPng(path: string, rgb: Uint8Array, width: number, height: number): void {
  writeFileSync(path, encodeRgbPng(rgb, width, height));
}

/** Decodes a PNG into row-major RGB bytes (alpha dropped). */
export function decodePngToRgb(bytes: Buffer): { width: number; height: number; rgb: Uint8Array } {
  const png = PNG.sync.read(bytes);
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let i = 0, j = 0; i < png.width * png.height; i++, j += 4) {
    rgb[i * 3] = png.data[j];
    rgb[i * 3 + 1] = png.data[j + 1];
    rgb[i * 3 + 2] = png.data[j + 2];
  }
  return { width: png.width, height: png.height, rgb };
}
