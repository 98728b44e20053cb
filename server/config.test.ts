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
});
