/**
 * A fresh, migrated database on the test run's PostgreSQL (postgresGlobalSetup.ts), with a Prisma
 * client, for one test file.
 */
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateDatabase } from '../../server/db/database.ts';
import { PrismaClient } from '../../server/db/generated/client.ts';
import { createLogger } from '../../server/log.ts';

export interface TestDatabase {
  readonly url: string;
  readonly prisma: PrismaClient;
  /** Empties every table (between tests of one file). */
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

/** Creates an empty database (migrations applied unless `migrate: false`). */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject('postgresUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (options.migrate ?? true) await migrateDatabase(url.href, createLogger('silent'));
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.href }) });
  return {
    url: url.href,
    prisma,
    async truncate() {
      const tables = await prisma.$queryRaw<{ tablename: string }[]>`
        SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
      await prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} CASCADE`);
    },
    async drop() {
      await prisma.$disconnect();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
