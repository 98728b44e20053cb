/**
 * The files of a training run, shared by the GA and DQN trainers: the arena-ready agent folders
 * (`best/`, `latest/`), the per-generation (or per-episode) CSV and its PNG chart.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCsv, type CsvRow } from './csvLog.ts';
import { writeChart, type ChartSeries } from './fitnessChart.ts';

/** Writes `manifest.json` and the model files into `dir` (created). */
export function writeAgentFolder(
  dir: string,
  manifest: Record<string, unknown>,
  files: ReadonlyMap<string, Uint8Array | string>,
): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export const MIN_COLOR: [number, number, number] = [214, 39, 40];
export const MEAN_COLOR: [number, number, number] = [31, 119, 180];
export const MAX_COLOR: [number, number, number] = [44, 160, 44];
export const ELITE_COLOR: [number, number, number] = [0, 0, 0];

/** `fitness.csv` and `fitness.png` of min/mean/max (and elite, when present) per row. */
export function writeFitnessLog(outDir: string, columns: readonly string[], rows: readonly CsvRow[], xStart = 1): void {
  writeCsv(join(outDir, 'fitness.csv'), columns, rows);
  const col = (c: string): number[] => rows.map((r) => Number(r[c]));
  const series: ChartSeries[] = [
    { name: 'min', color: MIN_COLOR, values: col('min') },
    { name: 'mean', color: MEAN_COLOR, values: col('mean') },
    { name: 'max', color: MAX_COLOR, values: col('max') },
  ];
  if (columns.includes('elite')) series.push({ name: 'elite', color: ELITE_COLOR, values: col('elite') });
  writeChart(join(outDir, 'fitness.png'), series, { xStart });
}
