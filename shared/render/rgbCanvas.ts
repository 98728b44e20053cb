/** A plain RGB raster (3 bytes per pixel, row-major), the pygame surface of the reference renderer. */
export interface RgbCanvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function newCanvas(width: number, height: number): RgbCanvas {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/** Packs an int RGB triple as 0xRRGGBB. */
export function packRgb(r: number, g: number, b: number): number {
  return ((r & 255) << 16) | ((g & 255) << 8) | (b & 255);
}

/** Fills the inclusive run [x1, x2] of row y (already clipped by the caller). */
export function fillRun(canvas: RgbCanvas, y: number, x1: number, x2: number, color: number): void {
  const d = canvas.data;
  const r = (color >> 16) & 255;
  const g = (color >> 8) & 255;
  const b = color & 255;
  let o = (y * canvas.width + x1) * 3;
  for (let x = x1; x <= x2; x++, o += 3) {
    d[o] = r;
    d[o + 1] = g;
    d[o + 2] = b;
  }
}

/** Horizontal run with clipping to the canvas (SDL_gfx hlineColor / pygame drawhorzlineclip). */
export function hlineClipped(canvas: RgbCanvas, x1: number, x2: number, y: number, color: number): void {
  if (y < 0 || y >= canvas.height) return;
  if (x1 > x2) {
    const t = x1;
    x1 = x2;
    x2 = t;
  }
  if (x2 < 0 || x1 >= canvas.width) return;
  if (x1 < 0) x1 = 0;
  if (x2 > canvas.width - 1) x2 = canvas.width - 1;
  fillRun(canvas, y, x1, x2, color);
}

export function setPixelClipped(canvas: RgbCanvas, x: number, y: number, color: number): void {
  if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return;
  const o = (y * canvas.width + x) * 3;
  canvas.data[o] = (color >> 16) & 255;
  canvas.data[o + 1] = (color >> 8) & 255;
  canvas.data[o + 2] = color & 255;
}

/**
 * SDL_gfx _putPixelAlpha on a 32-bit surface: per channel new = old + floor((col - old) * alpha / 256),
 * alpha 255 writes the colour.
 */
export function blendPixelClipped(canvas: RgbCanvas, x: number, y: number, color: number, alpha: number): void {
  if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return;
  const d = canvas.data;
  const o = (y * canvas.width + x) * 3;
  if (alpha === 255) {
    d[o] = (color >> 16) & 255;
    d[o + 1] = (color >> 8) & 255;
    d[o + 2] = color & 255;
    return;
  }
  const r = d[o];
  const g = d[o + 1];
  const b = d[o + 2];
  d[o] = r + (((((color >> 16) & 255) - r) * alpha) >> 8);
  d[o + 1] = g + (((((color >> 8) & 255) - g) * alpha) >> 8);
  d[o + 2] = b + ((((color & 255) - b) * alpha) >> 8);
}
