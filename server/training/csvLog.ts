/** Per-generation (or per-episode) figures of a training run as CSV: a header line, then one line per row. */
import { writeFileSync } from 'node:fs';

export type CsvRow = Readonly<Record<string, number | string>>;

function cell(value: number | string): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvText(columns: readonly string[], rows: readonly CsvRow[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes the whole file (runs keep their history, so a resumed run rewrites it complete). */
export function writeCsv(path: string, columns: readonly string[], rows: readonly CsvRow[]): void {
  writeFileSync(path, csvText(columns, rows));
}
