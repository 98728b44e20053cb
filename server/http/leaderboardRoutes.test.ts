import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { PrismaResultsSink } from '../store/prismaResultsSink.ts';
import { relabel, runBotRace } from '../store/raceResults.testutil.ts';
import { createLeaderboardRouter, type LeaderboardPage } from './leaderboardRoutes.ts';
import { listenWith, type TestApp } from './routesTestApp.testutil.ts';

let db: TestDatabase;
let app: TestApp;

async function get<T = unknown>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(app.base + path);
  return { status: res.status, body: (await res.json()) as T };
}

function agent(id: string, name: string, status = 'ready') {
  return { id, name, status, format: 'onnx', manifest: {}, modelSha256: 'x', report: {} };
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = await listenWith(createLeaderboardRouter({ prisma: db.prisma }));
  await db.prisma.agent.createMany({
    data: [agent('a-ready', 'Ready One'), agent('a-second', 'Second'), agent('a-deleted', 'Gone', 'deleted')],
  });
  await db.prisma.user.create({ data: { id: 'u-1', name: 'alice', passwordHash: 'x' } });
  const r = (subjectKind: string, subjectId: string, name: string, mu: number, sigma: number, races: number) => ({
    subjectKind,
    subjectId,
    name,
    mu,
    sigma,
    ordinal: mu - 3 * sigma,
    races,
  });
  await db.prisma.rating.createMany({
    data: [
      r('agent', 'a-ready', 'car name', 30, 2, 10), // 24
      r('agent', 'a-second', 'car name', 28, 2, 10), // 22
      r('agent', 'a-deleted', 'Gone', 40, 1, 50), // 37, but deleted
      r('agent', 'a-unknown', 'Unknown', 35, 1, 50), // not in Agent: not shown
      r('human', 'u-1', 'nickname', 27, 3, 5), // 18
      r('human', 'u-2', 'bob', 28, 2, 4), // 22, fewer races than a-second
      r('human', 'u-3', 'abe', 28, 2, 4), // 22, same races: by name
      r('bot', 'bot-hard', 'Bot (hard)', 33, 2, 100), // 27
    ],
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('GET /api/leaderboard', () => {
  it('orders by ordinal, then races, then name, with ranks', async () => {
    const { status, body } = await get<LeaderboardPage>('/api/leaderboard?board=all');
    expect(status).toBe(200);
    expect(body).toMatchObject({ board: 'all', page: 1, pageSize: 20, total: 6 });
    expect(body.rows.map((row) => [row.rank, row.kind, row.id, row.name])).toEqual([
      [1, 'bot', 'bot-hard', 'Bot (hard)'],
      [2, 'agent', 'a-ready', 'Ready One'],
      [3, 'agent', 'a-second', 'Second'],
      [4, 'human', 'u-3', 'abe'],
      [5, 'human', 'u-2', 'bob'],
      [6, 'human', 'u-1', 'alice'],
    ]);
    expect(body.rows[0]).toEqual({
      rank: 1,
      kind: 'bot',
      id: 'bot-hard',
      name: 'Bot (hard)',
      mu: 33,
      sigma: 2,
      ordinal: 27,
      races: 100,
    });
  });

  it('has an agents board (ready agents only) and a humans board, the default being all', async () => {
    const agents = await get<LeaderboardPage>('/api/leaderboard?board=agents');
    expect(agents.body.rows.map((row) => row.id)).toEqual(['a-ready', 'a-second']);
    const humans = await get<LeaderboardPage>('/api/leaderboard?board=humans');
    expect(humans.body.rows.map((row) => row.id)).toEqual(['u-3', 'u-2', 'u-1']);
    expect((await get<LeaderboardPage>('/api/leaderboard')).body.total).toBe(6);
  });

  it('pages', async () => {
    const { body } = await get<LeaderboardPage>('/api/leaderboard?board=all&page=2&pageSize=4');
    expect(body).toMatchObject({ page: 2, pageSize: 4, total: 6 });
    expect(body.rows.map((row) => [row.rank, row.id])).toEqual([
      [5, 'u-2'],
      [6, 'u-1'],
    ]);
    expect((await get<LeaderboardPage>('/api/leaderboard?page=9')).body.rows).toEqual([]);
  });

  it('answers bad queries with 400 INVALID_PAYLOAD', async () => {
    for (const q of ['board=bots', 'pageSize=101', 'pageSize=0', 'page=0', 'page=x']) {
      const { status, body } = await get(`/api/leaderboard?${q}`);
      expect(status, q).toBe(400);
      expect(body, q).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    }
  });
});

describe('GET /api/agents/:id/ratings', () => {
  it("gives an agent's rating and its history, race by race", async () => {
    const sink = new PrismaResultsSink({ prisma: db.prisma });
    const base = runBotRace({ raceId: 'x', seed: 7, difficulties: ['hard', 'easy', 'medium'] });
    await db.prisma.agent.create({ data: agent('a-new', 'Newcomer') });
    await sink.save(relabel(base, 'race-h1', { 1: { kind: 'agent', agentId: 'a-new' } }));
    await sink.save(relabel(base, 'race-h2', { 2: { kind: 'agent', agentId: 'a-new' } }));
    const { status, body } = await get<{
      agentId: string;
      rating: { mu: number; sigma: number; ordinal: number; races: number };
      history: { raceId: string; mu: number; sigma: number; ordinal: number; finishedAt: string; createdAt: string }[];
    }>('/api/agents/a-new/ratings');
    expect(status).toBe(200);
    expect(body.rating.races).toBe(2);
    expect(body.history.map((h) => h.raceId)).toEqual(['race-h1', 'race-h2']);
    expect(body.history[1]).toMatchObject({ mu: body.rating.mu, sigma: body.rating.sigma });
    expect(body.history[1].sigma).toBeLessThan(body.history[0].sigma);

    const never = await get<{ rating: null; history: [] }>('/api/agents/a-second/ratings');
    expect(never.body).toMatchObject({ history: [] });
    const missing = await get('/api/agents/nope/ratings');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, code: 'AGENT_NOT_FOUND' });
  });
});

describe('GET /api/players/:id/ratings', () => {
  it("gives a human's name, rating and history, race by race", async () => {
    await db.prisma.user.create({ data: { id: 'u-racer', name: 'dana', passwordHash: 'x' } });
    const sink = new PrismaResultsSink({ prisma: db.prisma });
    const base = runBotRace({ raceId: 'x', seed: 9, difficulties: ['hard', 'easy', 'medium'] });
    await sink.save(relabel(base, 'race-p1', { 1: { kind: 'human', userId: 'u-racer', name: 'dana' } }));
    await sink.save(relabel(base, 'race-p2', { 0: { kind: 'human', userId: 'u-racer', name: 'dana' } }));
    const { status, body } = await get<{
      playerId: string;
      name: string;
      createdAt: string;
      rating: { mu: number; sigma: number; ordinal: number; races: number };
      history: { raceId: string; mu: number; sigma: number; ordinal: number; finishedAt: string }[];
    }>('/api/players/u-racer/ratings');
    expect(status).toBe(200);
    expect(body).toMatchObject({ playerId: 'u-racer', name: 'dana' });
    expect(Number.isNaN(Date.parse(body.createdAt))).toBe(false);
    expect(body.rating.races).toBe(2);
    expect(body.history.map((h) => h.raceId)).toEqual(['race-p1', 'race-p2']);
    expect(body.history[1]).toMatchObject({ mu: body.rating.mu, sigma: body.rating.sigma });
  });

  it('gives a null rating to a player who never raced, and 404 NOT_FOUND to an unknown one', async () => {
    const never = await get<{ name: string; rating: null; history: [] }>('/api/players/u-1/ratings');
    expect(never.status).toBe(200);
    expect(never.body).toMatchObject({ name: 'alice', history: [] });
    const missing = await get('/api/players/nope/ratings');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
