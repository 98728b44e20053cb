/**
 * prisma/schema.prisma and the database its SQL migrations build agree: every model's table has
 * exactly the model's scalar fields as columns, with the matching type and nullability, and every
 * model and field can be written and read back through the generated client. Also: the migration
 * runner keeps Prisma's own `_prisma_migrations` bookkeeping.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../server/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

interface SchemaField {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly list: boolean;
}

/** The scalar fields of each model, read from schema.prisma (relation fields left out). */
function schemaModels(): Map<string, SchemaField[]> {
  const text = readFileSync(resolve(MIGRATIONS_DIR, '../schema.prisma'), 'utf8');
  const blocks = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(blocks.map((b) => b[1]));
  const models = new Map<string, SchemaField[]>();
  for (const [, name, body] of blocks) {
    const fields: SchemaField[] = [];
    for (const line of body.split('\n')) {
      const m = /^\s+(\w+)\s+(\w+)(\[\])?(\?)?/.exec(line);
      if (m === null || modelNames.has(m[2])) continue;
      fields.push({ name: m[1], type: m[2], list: m[3] !== undefined, optional: m[4] !== undefined });
    }
    models.set(name, fields);
  }
  return models;
}

const PG_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

describe('schema.prisma and the migrated database', () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('the migrations apply once, recorded in _prisma_migrations as prisma migrate deploy records them', async () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(await applyMigrations(client)).toEqual(migrations.map((m) => m.name));
    expect(await applyMigrations(client)).toEqual([]);
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toHaveLength(migrations.length);
    for (const [i, m] of migrations.entries()) {
      const sql = readFileSync(resolve(MIGRATIONS_DIR, m.name, 'migration.sql'));
      expect(rows[i]).toMatchObject({
        migration_name: m.name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(rows[i].finished_at).toBeInstanceOf(Date);
    }
    // A migration edited after it was applied is refused, as Prisma refuses it.
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: '0'.repeat(64) } : m));
    await expect(applyMigrations(client, edited)).rejects.toThrow(/modified after it was applied/);
  });

  it('every model has a table whose columns are exactly its scalar fields, same types and nullability', async () => {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const tables = new Map<string, typeof rows>();
    for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r]);
    const models = schemaModels();
    expect([...tables.keys()].sort()).toEqual([...models.keys()].sort());
    for (const [model, fields] of models) {
      const columns = tables.get(model)!;
      expect(columns.map((c) => c.column_name).sort(), model).toEqual(fields.map((f) => f.name).sort());
      for (const f of fields) {
        const c = columns.find((col) => col.column_name === f.name)!;
        const type = f.list ? `${c.udt_name}` : c.data_type;
        expect(type, `${model}.${f.name}`).toBe(
          f.list ? `_${PG_TYPES[f.type] === 'integer' ? 'int4' : f.type.toLowerCase()}` : PG_TYPES[f.type],
        );
        // Lists are nullable columns in Prisma's DDL; everything else follows the `?`.
        if (!f.list) expect(c.is_nullable === 'YES', `${model}.${f.name} nullable`).toBe(f.optional);
      }
    }
  });

  it('every model and field is written and read back through the generated client', async () => {
    const prisma = db.prisma;
    const user = await prisma.user.create({ data: { name: 'ada', passwordHash: 'scrypt$x' } });
    const session = await prisma.session.create({
      data: { tokenHash: 'h'.repeat(64), userId: user.id, expiresAt: new Date('2030-01-01T00:00:00Z') },
    });
    const file = await prisma.agentFile.create({
      data: { sha256: 'a'.repeat(64), bytes: new Uint8Array([1, 2, 3]), size: 3 },
    });
    const agent = await prisma.agent.create({
      data: {
        id: 'agent-1',
        ownerId: user.id,
        name: 'Bolt',
        version: 2,
        format: 'npy-genome',
        architecture: 'sarenac-dqn-v1',
        manifest: { model: { file: 'w.npy' } },
        modelSha256: file.sha256,
        report: { ok: true, checks: [] },
        status: 'ready',
        files: { create: [{ name: 'w.npy', sha256: file.sha256 }] },
      },
    });
    const race = await prisma.race.create({
      data: {
        id: 'race-1',
        seed: 9007199254740991n,
        config: { laps: 1 },
        status: 'finished',
        rated: false,
        unratedReason: 'serverOverload',
        ladder: true,
        ticks: 812,
        startedAt: new Date('2026-11-26T10:00:00Z'),
        entries: {
          create: [
            {
              carIndex: 0,
              driverKind: 'agent',
              name: 'Bolt',
              agentId: agent.id,
              userId: user.id,
              position: 1,
              status: 'dnf',
              dnfReason: 'agentTimeout',
              lapTicks: [400, 401],
              bestLapTicks: 400,
              totalReward: 612.5,
              endTick: 801,
            },
          ],
        },
        replay: { create: { formatVersion: 1, seed: 7n, config: { laps: 1 }, actionLog: new Uint8Array([9, 8]) } },
      },
    });
    await prisma.rating.create({
      data: { subjectKind: 'agent', subjectId: agent.id, name: 'Bolt', mu: 26.5, sigma: 7.9, ordinal: 2.8, races: 3 },
    });
    await prisma.ratingHistory.create({
      data: { subjectKind: 'agent', subjectId: agent.id, raceId: race.id, mu: 26.5, sigma: 7.9, ordinal: 2.8 },
    });

    const back = await prisma.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { sessions: true, agents: { include: { files: { include: { file: true } }, entries: true } } },
    });
    expect(back).toMatchObject({ name: 'ada', passwordHash: 'scrypt$x' });
    expect(back.createdAt).toBeInstanceOf(Date);
    expect(back.sessions).toEqual([{ ...session }]);
    const a = back.agents[0];
    expect(a).toMatchObject({
      id: 'agent-1',
      version: 2,
      format: 'npy-genome',
      architecture: 'sarenac-dqn-v1',
      status: 'ready',
    });
    expect(a.manifest).toEqual({ model: { file: 'w.npy' } });
    expect(a.report).toEqual({ ok: true, checks: [] });
    expect(Array.from(a.files[0].file.bytes)).toEqual([1, 2, 3]);
    expect(a.files[0]).toMatchObject({ name: 'w.npy', sha256: file.sha256 });
    expect(a.entries[0]).toMatchObject({
      lapTicks: [400, 401],
      bestLapTicks: 400,
      totalReward: 612.5,
      endTick: 801,
      dnfReason: 'agentTimeout',
    });

    const raceBack = await prisma.race.findUniqueOrThrow({
      where: { id: race.id },
      include: { replay: true, ratingEvents: { include: { rating: true } } },
    });
    expect(raceBack.seed).toBe(9007199254740991n);
    expect(raceBack).toMatchObject({
      rated: false,
      unratedReason: 'serverOverload',
      ladder: true,
      ticks: 812,
      status: 'finished',
    });
    expect(raceBack.startedAt?.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(raceBack.replay).toMatchObject({ formatVersion: 1, seed: 7n, config: { laps: 1 } });
    expect(Array.from(raceBack.replay!.actionLog)).toEqual([9, 8]);
    expect(raceBack.ratingEvents[0]).toMatchObject({ mu: 26.5, sigma: 7.9, ordinal: 2.8 });
    expect(typeof raceBack.ratingEvents[0].id).toBe('bigint');
    expect(raceBack.ratingEvents[0].rating).toMatchObject({ name: 'Bolt', races: 3 });
    expect(raceBack.ratingEvents[0].rating.updatedAt).toBeInstanceOf(Date);
  });
});
