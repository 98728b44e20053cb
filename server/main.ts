/** Composition root: `npm start` (tsx server/main.ts). Reads the config, starts the arena, stops it on SIGTERM/SIGINT. */
import { startArena } from './arena.ts';
import { parseServerConfig } from './config.ts';
import { createLogger } from './log.ts';

const config = parseServerConfig();
const log = createLogger(config.logLevel);
const arena = await startArena(config, { log });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    arena.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
