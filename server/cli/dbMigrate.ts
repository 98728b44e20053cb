/**
 * `npm run db:migrate`: applies prisma/migrations to DATABASE_URL, or to the embedded PostgreSQL
 * under DATA_DIR (started for the occasion) when DATABASE_URL is not set.
 */
import { parseServerConfig } from '../config.ts';
import { migrateDatabase } from '../db/database.ts';
import { startEmbeddedPostgres } from '../db/embeddedPostgres.ts';
import { createLogger } from '../log.ts';

const config = parseServerConfig();
const log = createLogger(config.logLevel);
const embedded = config.databaseUrl === undefined ? await startEmbeddedPostgres(config.dataDir, log) : null;
try {
  const applied = await migrateDatabase(config.databaseUrl ?? embedded!.url, log);
  process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`);
} finally {
  await embedded?.stop();
}
