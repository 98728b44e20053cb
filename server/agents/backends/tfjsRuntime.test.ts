import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { getTfjs } from './tfjsRuntime.ts';

function captureLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function tfjsNodeInstalled(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

describe('getTfjs', () => {
  it('initialises TF.js once with the best backend available and logs the choice once', async () => {
    const { logger, lines } = captureLogger();
    const [a, b] = await Promise.all([getTfjs(logger), getTfjs(logger)]);
    const c = await getTfjs();
    expect(b).toBe(a);
    expect(c).toBe(a);
    const expected = (await tfjsNodeInstalled()) ? 'tfjs-node' : 'tfjs-wasm';
    expect(a.backend).toBe(expected);
    expect(a.tf.getBackend()).toBe(expected === 'tfjs-node' ? 'tensorflow' : 'wasm');
    await new Promise((r) => setImmediate(r));
    const selected = lines.filter((l) => l.msg === 'TF.js backend selected');
    expect(selected).toHaveLength(1);
    expect(selected[0].backend).toBe(expected);
    // The backend computes.
    const y = a.tf.tidy(() => a.tf.matMul(a.tf.tensor2d([[1, 2]]), a.tf.tensor2d([[3], [4]])).dataSync());
    expect(Array.from(y)).toEqual([11]);
  });

  it('falls back to the cpu backend without the tfjs-node banner when wasm cannot load', async () => {
    vi.resetModules();
    vi.doMock('@tensorflow/tfjs-backend-wasm', () => {
      throw new Error('wasm unavailable in this test');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const fresh = (await import('./tfjsRuntime.ts')) as typeof import('./tfjsRuntime.ts');
      const { logger, lines } = captureLogger();
      const rt = await fresh.getTfjs(logger);
      if (await tfjsNodeInstalled()) {
        expect(rt.backend).toBe('tfjs-node');
        return;
      }
      expect(rt.backend).toBe('tfjs-cpu');
      expect(rt.tf.getBackend()).toBe('cpu');
      const sum = rt.tf.tidy(() => rt.tf.add(rt.tf.tensor1d([1, 2]), rt.tf.tensor1d([3, 4])).dataSync());
      expect(Array.from(sum)).toEqual([4, 6]);
      expect(warn.mock.calls.flat().join(' ')).not.toMatch(/looks like you are running TensorFlow\.js in Node/);
      expect(rt.tf.env().getBool('PROD')).toBe(false);
      await new Promise((r) => setImmediate(r));
      const selected = lines.find((l) => l.msg?.toString().startsWith('TF.js backend selected'));
      expect(selected?.backend).toBe('tfjs-cpu');
      expect(String(selected?.unavailable)).toMatch(/wasm: /);
    } finally {
      warn.mockRestore();
      vi.doUnmock('@tensorflow/tfjs-backend-wasm');
    }
  });
});
