import { describe, expect, it } from 'vitest';
import {
  describeDnfReason,
  formatBytes,
  formatLapTicks,
  formatOrdinal,
  formatRating,
  formatTimeAgo,
} from './formats.ts';

describe('formats', () => {
  it('writes lap times from ticks at 50 per second', () => {
    expect(formatLapTicks(2193)).toBe('43.86 s');
    expect(formatLapTicks(3120)).toBe('1:02.40');
    expect(formatLapTicks(null)).toBe('–');
  });

  it('writes places as ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(formatOrdinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ]);
  });

  it('writes ratings, sizes and times for people', () => {
    expect(formatRating(24.0512)).toBe('24.1');
    expect(formatRating(Number.NaN)).toBe('–');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1.8 * 1024 * 1024)).toBe('1.8 MB');
    expect(formatBytes(300 * 1024)).toBe('300 KB');
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(formatTimeAgo('2026-11-26T11:59:50Z', now)).toBe('just now');
    expect(formatTimeAgo('2026-11-26T11:55:00Z', now)).toBe('5 min ago');
    expect(formatTimeAgo('2026-11-26T09:00:00Z', now)).toBe('3 h ago');
    expect(formatTimeAgo('2026-11-24T12:00:00Z', now)).toBe('2 days ago');
    expect(formatTimeAgo('2026-10-01T12:00:00Z', now)).toBe('2026-10-01');
    expect(formatTimeAgo('garbage', now)).toBe('–');
  });

  it('says why a car did not finish', () => {
    expect(describeDnfReason('leftField')).toBe('left the field');
    expect(describeDnfReason('agentTimeout')).toBe('too slow (agent timeout)');
    expect(describeDnfReason('somethingNew')).toBe('somethingNew');
  });
});
