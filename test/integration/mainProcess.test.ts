/**
 * `npm start`'s process (server/main.ts) on a fresh DATA_DIR: it comes up on the embedded
 * PostgreSQL, and SIGTERM — sent twice, as a shell and a wrapper do — shuts it down cleanly: the
 * process exits 0 and its PostgreSQL is stopped (the next start would fail on a running one).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('server/main.ts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'arena-main-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on the embedded database and stops cleanly on a repeated SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', LADDER_CONCURRENCY: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await expect.poll(() => output.includes('arena listening'), { timeout: 60_000, interval: 200 }).toBe(true);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);
    child.kill('SIGTERM');
    await expect.poll(() => output.includes('shutting down'), { timeout: 10_000, interval: 20 }).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('already shutting down');
    // PostgreSQL removes its pid file when it stops.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 90_000);

  it('refuses settings that cannot work, naming them, and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ROLE: 'worker', LADDER_CONCURRENCY: 'many' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('LADDER_CONCURRENCY');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 30_000);
});
