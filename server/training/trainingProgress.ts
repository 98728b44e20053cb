/**
 * A one-line progress bar on stderr (redrawn in place on a terminal, one line per update
 * otherwise, at most every few seconds so logs stay short).
 */

export interface ProgressLine {
  /** Redraws with `done` of `total` units and a free-text tail (figures of the run). */
  update(done: number, total: number, tail: string): void;
  /** Ends the line. */
  finish(): void;
}

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_MS = 5000;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressBar(done: number, total: number): string {
  const filled = total <= 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * Math.min(done, total)) / total);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

export function createProgressLine(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  nowMs: () => number = () => performance.now(),
): ProgressLine {
  const start = nowMs();
  let lastPlain = -Infinity;
  let open = false;
  return {
    update(done, total, tail) {
      const elapsed = (nowMs() - start) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
      const pct = total > 0 ? ((100 * done) / total).toFixed(0).padStart(3) : '  ?';
      const line = `${label} ${progressBar(done, total)} ${pct}% ${done}/${total} ${formatDuration(elapsed)} eta ${formatDuration(eta)} ${tail}`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line}`);
        open = true;
      } else if (nowMs() - lastPlain >= PLAIN_INTERVAL_MS || done >= total) {
        lastPlain = nowMs();
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
