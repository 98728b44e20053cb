/**
 * How numbers, times and sizes read on the pages. Pure functions (tested in formats.test.ts).
 */

/** Simulation ticks per second (CarRacing's FPS). */
export const TICKS_PER_SECOND = 50;

/** A rating (openskill ordinal, mu or sigma) with one decimal. */
export function formatRating(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '–';
}

/** A lap time from ticks: `43.86 s`, `1:02.40`. */
export function formatLapTicks(ticks: number | null | undefined): string {
  if (ticks === null || ticks === undefined || !Number.isFinite(ticks)) return '–';
  const seconds = ticks / TICKS_PER_SECOND;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(2).padStart(5, '0')}`;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st. */
export function formatOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** Bytes as people read them: `812 B`, `1.8 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`, then the date. `nowMs` is passed in for tests. */
export function formatTimeAgo(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '–';
  const seconds = Math.max(0, (nowMs - then) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  if (seconds < 7 * 86_400) {
    const days = Math.round(seconds / 86_400);
    return `${days} day${days === 1 ? '' : 's'} ago`;
  }
  return new Date(then).toISOString().slice(0, 10);
}

/** Why a car did not finish, in words. */
export function describeDnfReason(reason: string | null): string {
  switch (reason) {
    case 'leftField':
      return 'left the field';
    case 'timeLimit':
      return 'out of time';
    case 'disconnected':
      return 'disconnected';
    case 'agentTimeout':
      return 'too slow (agent timeout)';
    case 'agentError':
      return 'agent error';
    case null:
      return 'did not finish';
    default:
      return reason;
  }
}
