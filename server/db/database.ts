/**
 * The arena's database connection: DATABASE_URL when set, else the embedded PostgreSQL under
 * DATA_DIR; migrations applied before anything else touches it; one Prisma client (pg adapter).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './embeddedPostgres.ts';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations } from './migrate.ts';

export type Db = PrismaClient;

export interface Database {
  readonly prisma: PrismaClient;
  readonly url: string;
  /** The embedded server, when this process started one. */
  readonly embedded: RunningPostgres | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** An external server; without it an embedded one starts under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly log: Logger;
  /** Fixed port for the embedded server. [default: a free one] */
  readonly embeddedPort?: number;
}

/** Runs the migrations on `url` with a short-lived connection. */
export async function migrateDatabase(url: string, log: Logger): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const applied = await applyMigrations(client);
    if (applied.length > 0) log.info({ applied }, 'database migrations applied');
    return applied;
  } finally {
    await client.end();
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const embedded =
    options.databaseUrl === undefined
      ? await startEmbeddedPostgres(options.dataDir, options.log, options.embeddedPort)
      : null;
  const url = options.databaseUrl ?? embedded!.url;
  try {
    await migrateDatabase(url, options.log);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    prisma,
    url,
    embedded,
    async close() {
      await prisma.$disconnect();
      await embedded?.stop();
    },
  };
}
