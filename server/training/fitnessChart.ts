/**
 * A line chart of a training run's figures per generation (or per episode) as a PNG, drawn
 * pixel by pixel with pngjs: one coloured line per series, grey grid lines with their values in
 * a 3×5 digit font on the left, the x range under the plot. No fonts or canvas needed.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface ChartSeries {
  readonly name: string;
  readonly color: readonly [number, number, number];
  readonly values: readonly number[];
}

export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** The x value of the first point (e.g. generation 1). [default: 0] */
  readonly xStart?: number;
}

/** 3×5 glyphs, rows top to bottom, 3 bits each (MSB = left). */
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0],
  '.': [0, 0, 0, 0, 2],
};
const MARGIN_LEFT = 44;
const MARGIN = 12;
const MARGIN_BOTTOM = 20;

class Canvas {
  readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  set(x: number, y: number, [r, g, b]: readonly [number, number, number]): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = 4 * (yi * this.width + xi);
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }
  line(x0: number, y0: number, x1: number, y1: number, color: readonly [number, number, number]): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let k = 0; k <= n; k++) this.set(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n, color);
  }
  text(x: number, y: number, s: string, color: readonly [number, number, number], scale = 2): void {
    [...s].forEach((ch, c) => {
      const glyph = GLYPHS[ch];
      if (glyph === undefined) return;
      glyph.forEach((bits, row) => {
        for (let col = 0; col < 3; col++) {
          if ((bits >> (2 - col)) & 1) {
            for (let dy = 0; dy < scale; dy++) {
              for (let dx = 0; dx < scale; dx++) this.set(x + (c * 4 + col) * scale + dx, y + row * scale + dy, color);
            }
          }
        }
      });
    });
  }
}

/** A round step for about five grid lines over `span`. */
function gridStep(span: number): number {
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

export function renderChart(series: readonly ChartSeries[], options: ChartOptions = {}): Buffer {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const canvas = new Canvas(width, height);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const points = Math.max(0, ...series.map((s) => s.values.length));
  let lo = all.length === 0 ? 0 : Math.min(...all);
  let hi = all.length === 0 ? 1 : Math.max(...all);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const step = gridStep(hi - lo);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const plotW = width - MARGIN_LEFT - MARGIN;
  const plotH = height - MARGIN - MARGIN_BOTTOM;
  const px = (i: number): number => MARGIN_LEFT + (points <= 1 ? 0 : (plotW * i) / (points - 1));
  const py = (v: number): number => MARGIN + plotH * (1 - (v - lo) / (hi - lo));
  const grey: [number, number, number] = [220, 220, 220];
  const dark: [number, number, number] = [80, 80, 80];
  for (let v = lo; v <= hi + step / 2; v += step) {
    canvas.line(MARGIN_LEFT, py(v), width - MARGIN, py(v), Math.abs(v) < step / 2 ? [150, 150, 150] : grey);
    canvas.text(2, py(v) - 5, String(Math.round(v)), dark);
  }
  canvas.line(MARGIN_LEFT, MARGIN, MARGIN_LEFT, height - MARGIN_BOTTOM, dark);
  canvas.line(MARGIN_LEFT, height - MARGIN_BOTTOM, width - MARGIN, height - MARGIN_BOTTOM, dark);
  const xStart = options.xStart ?? 0;
  canvas.text(MARGIN_LEFT, height - MARGIN_BOTTOM + 6, String(xStart), dark);
  const xEnd = String(xStart + Math.max(0, points - 1));
  canvas.text(width - MARGIN - xEnd.length * 8, height - MARGIN_BOTTOM + 6, xEnd, dark);
  for (const s of series) {
    let prev: [number, number] | null = null;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        prev = null;
        return;
      }
      const p: [number, number] = [px(i), py(v)];
      if (prev !== null) canvas.line(prev[0], prev[1], p[0], p[1], s.color);
      else canvas.set(p[0], p[1], s.color);
      prev = p;
    });
  }
  return PNG.sync.write(canvas.png);
}

export function writeChart(path: string, series: readonly ChartSeries[], options?: ChartOptions): void {
  writeFileSync(path, renderChart(series, options));
}
