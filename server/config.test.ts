import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.ts';

describe('parseServerConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseServerConfig({})).toMatchObject({
      port: 3000,
      logLevel: 'info',
      disconnectGraceMs: 10_000,
      raceWorkers: undefined,
      dataDir: './data',
      maxUploadBytes: 50 * 1024 * 1024,
      agentBackend: 'onnxruntime',
    });
  });

  it('reads and coerces variables, and names the bad ones', () => {
    expect(parseServerConfig({ PORT: '8080', RACE_WORKERS: '0' })).toMatchObject({ port: 8080, raceWorkers: 0 });
    expect(parseServerConfig({ DATA_DIR: '/srv/arena', MAX_UPLOAD_BYTES: '1000' })).toMatchObject({
      dataDir: '/srv/arena',
      maxUploadBytes: 1000,
    });
    expect(() => parseServerConfig({ MAX_UPLOAD_BYTES: '0' })).toThrow(/MAX_UPLOAD_BYTES/);
    expect(parseServerConfig({ AGENT_BACKEND: 'tfjs' }).agentBackend).toBe('tfjs');
    expect(() => parseServerConfig({ AGENT_BACKEND: 'pytorch' })).toThrow(/AGENT_BACKEND/);
    expect(() => parseServerConfig({ PORT: 'http', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
  });

  it('reads the scale-out settings and refuses combinations that cannot work', () => {
    expect(parseServerConfig({})).toMatchObject({ role: 'all', redisUrl: undefined, ladderJobLockMs: 30_000 });
    const db = 'postgresql://arena@db:5432/arena';
    expect(parseServerConfig({ REDIS_URL: 'redis://cache:6379', DATABASE_URL: db, ROLE: 'worker' })).toMatchObject({
      role: 'worker',
      redisUrl: 'redis://cache:6379',
    });
    expect(() => parseServerConfig({ ROLE: 'web' })).toThrow(/ROLE=web needs REDIS_URL/);
    expect(() => parseServerConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(/REDIS_URL needs DATABASE_URL/);
    expect(() => parseServerConfig({ REDIS_URL: 'cache:6379', DATABASE_URL: db })).toThrow(/REDIS_URL/);
    expect(() => parseServerConfig({ ROLE: 'scheduler' })).toThrow(/ROLE/);
  });
});
