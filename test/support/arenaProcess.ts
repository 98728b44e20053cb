/**
 * One arena process (server/main.ts, as `npm start` and `npm run worker` run it) for multi-process
 * tests and benches: started with an environment, its JSON log collected, its port read from the
 * "arena listening" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ArenaProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything it logged so far (pino JSON lines). */
  output(): string;
  /** SIGKILL: a crash, no shutdown of any kind. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function startArenaProcess(
  name: string,
  env: Record<string, string>,
  options: { readonly startTimeoutMs?: number } = {},
): Promise<ArenaProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), `arena-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      CLIENT_DIST_DIR: join(dataDir, 'no-client'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      done(code);
    }),
  );
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let port: number | null = null;
  while (port === null) {
    const match = /"port":(\d+)[^\n]*"msg":"arena listening"/.exec(output);
    if (match !== null) port = Number(match[1]);
    else if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`arena process ${name} did not start:\n${output.slice(-4000)}`);
    else await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    port,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
