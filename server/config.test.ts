import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.ts';

describe('parseServerConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseServerConfig({})).toMatchObject({
      port: 3000,
      logLevel: 'info',
      disconnectGraceMs: 10_000,
      raceWorkers: undefined,
    });
  });

  it('reads and coerces variables, and names the bad ones', () => {
    expect(parseServerConfig({ PORT: '8080', RACE_WORKERS: '0' })).toMatchObject({ port: 8080, raceWorkers: 0 });
    expect(() => parseServerConfig({ PORT: 'http', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
  });
});
