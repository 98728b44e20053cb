import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { computeStandings } from '../../shared/sim/race.ts';
import { resimulate } from '../../test/support/resimulate.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { PrismaResultsSink } from '../store/prismaResultsSink.ts';
import { relabel, runBotRace } from '../store/raceResults.testutil.ts';
import { REPLAY_FORMAT_VERSION } from '../store/replayCodec.ts';
import { createRaceHistoryRouter } from './raceHistoryRoutes.ts';
import { listenWith, type TestApp } from './routesTestApp.testutil.ts';

let db: TestDatabase;
let app: TestApp;
let recorded: RaceResults;

async function get<T = unknown>(path: string): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(app.base + path);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, text };
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = await listenWith(createRaceHistoryRouter({ prisma: db.prisma }));
  await db.prisma.agent.create({
    data: { id: 'agent-1', name: 'Agent One', format: 'onnx', manifest: {}, modelSha256: 'x', report: {} },
  });
  // A real race: bots, one retired mid-race, car 1 relabelled as an agent.
  const race = runBotRace({
    raceId: 'replay-1',
    seed: 11,
    difficulties: ['hard', 'medium', 'easy', 'hard', 'medium'],
    laps: 1,
    retire: { tick: 150, carIndex: 3 },
  });
  recorded = relabel(race, 'replay-1', { 1: { kind: 'agent', agentId: 'agent-1', name: 'Agent One' } });
  const sink = new PrismaResultsSink({ prisma: db.prisma });
  await sink.save(recorded);
  const later = new Date(Date.now() + 60_000);
  await sink.write(
    relabel(
      race,
      'replay-2',
      { 2: { kind: 'agent', agentId: 'agent-1' } },
      { rated: false, unratedReason: 'serverOverload' },
    ),
    { finishedAt: later },
  );
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('GET /api/races/:id/replay', () => {
  it('re-simulates with shared/ to the recorded finish order and lap times, exactly', async () => {
    const { status, body } = await get<{
      raceId: string;
      formatVersion: number;
      seed: number;
      config: RaceResults['config'];
      actionLog: RaceResults['actionLog'];
      retirements: RaceResults['retirements'];
    }>('/api/races/replay-1/replay');
    expect(status).toBe(200);
    expect(body.raceId).toBe('replay-1');
    expect(body.formatVersion).toBe(REPLAY_FORMAT_VERSION);
    expect(body.seed).toBe(recorded.seed);
    expect(body.config).toEqual(recorded.config);
    expect(body.retirements).toEqual(recorded.retirements);
    expect(body.retirements).toHaveLength(1);
    expect(body.actionLog).toHaveLength(recorded.ticks);

    const replayed = await resimulate({ ...recorded, ...body, finishOrder: [], cars: [] });
    expect(replayed.tick).toBe(recorded.ticks);
    expect(replayed.finishOrder).toEqual(recorded.finishOrder);
    expect(recorded.finishOrder.length).toBeGreaterThan(0);
    const standings = computeStandings(replayed);
    expect(
      standings.map((s) => ({ carIndex: s.carIndex, position: s.position, status: s.status, lapTicks: s.lapTicks })),
    ).toEqual(
      recorded.cars.map((c) => ({
        carIndex: c.carIndex,
        position: c.position,
        status: c.status,
        lapTicks: c.lapTicks,
      })),
    );
    for (const car of recorded.cars) {
      expect(replayed.cars[car.carIndex].totalReward).toBe(car.totalReward);
      expect(replayed.cars[car.carIndex].endTick).toBe(car.endTick);
    }
  });

  it('answers 404 RACE_NOT_FOUND for a race it does not have', async () => {
    const { status, body } = await get('/api/races/nope/replay');
    expect(status).toBe(404);
    expect(body).toMatchObject({ ok: false, code: 'RACE_NOT_FOUND' });
  });
});

describe('GET /api/races/:id', () => {
  it('gives the stored race with its entries by position', async () => {
    const { status, body } = await get<{
      id: string;
      seed: number;
      rated: boolean;
      ticks: number;
      finishedAt: string;
      entries: { carIndex: number; kind: string; position: number; status: string; agentId: string | null }[];
    }>('/api/races/replay-1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'replay-1', seed: 11, rated: true, ticks: recorded.ticks, status: 'finished' });
    expect(Number.isNaN(Date.parse(body.finishedAt))).toBe(false);
    expect(body.entries.map((e) => [e.carIndex, e.position, e.status])).toEqual(
      recorded.cars.map((c) => [c.carIndex, c.position, c.status]),
    );
    expect(body.entries.find((e) => e.carIndex === 1)).toMatchObject({ kind: 'agent', agentId: 'agent-1' });
    expect((await get('/api/races/missing')).status).toBe(404);
  });
});

describe('GET /api/agents/:id/races', () => {
  it("lists the agent's races, newest first, paged", async () => {
    const { status, body } = await get<{
      total: number;
      races: { raceId: string; position: number; cars: number; status: string; rated: boolean; finishedAt: string }[];
    }>('/api/agents/agent-1/races');
    expect(status).toBe(200);
    expect(body.total).toBe(2);
    const carOf = (raceId: string) => (raceId === 'replay-1' ? 1 : 2);
    expect(body.races.map((r) => r.raceId)).toEqual(['replay-2', 'replay-1']);
    for (const r of body.races) {
      const car = recorded.cars.find((c) => c.carIndex === carOf(r.raceId))!;
      expect(r).toMatchObject({ position: car.position, cars: 5, status: car.status });
    }
    expect(body.races.map((r) => r.rated)).toEqual([false, true]);
    const page2 = await get<{ races: { raceId: string }[] }>('/api/agents/agent-1/races?page=2&pageSize=1');
    expect(page2.body.races.map((r) => r.raceId)).toEqual(['replay-1']);
    expect((await get('/api/agents/nope/races')).status).toBe(404);
    expect((await get('/api/agents/agent-1/races?pageSize=500')).status).toBe(400);
  });
});

describe('GET /api/players/:id/races', () => {
  it("lists a human's races, newest first, with the name the car raced under", async () => {
    await db.prisma.user.create({ data: { id: 'user-1', name: 'carol', passwordHash: 'x' } });
    const race = runBotRace({ raceId: 'x', seed: 5, difficulties: ['hard', 'easy', 'medium'], laps: 1 });
    const sink = new PrismaResultsSink({ prisma: db.prisma });
    await sink.save(relabel(race, 'human-1', { 0: { kind: 'human', userId: 'user-1', name: 'carol' } }));
    await sink.write(relabel(race, 'human-2', { 2: { kind: 'human', userId: 'user-1', name: 'carol-2' } }), {
      finishedAt: new Date(Date.now() + 120_000),
    });
    const { status, body } = await get<{
      playerId: string;
      total: number;
      races: { raceId: string; name: string; position: number; cars: number; status: string }[];
    }>('/api/players/user-1/races');
    expect(status).toBe(200);
    expect(body.playerId).toBe('user-1');
    expect(body.total).toBe(2);
    expect(body.races.map((r) => [r.raceId, r.name, r.cars])).toEqual([
      ['human-2', 'carol-2', 3],
      ['human-1', 'carol', 3],
    ]);
    expect(body.races[1]).toMatchObject({ position: race.cars[0].position, status: race.cars[0].status });
    const page2 = await get<{ races: { raceId: string }[] }>('/api/players/user-1/races?page=2&pageSize=1');
    expect(page2.body.races.map((r) => r.raceId)).toEqual(['human-1']);
  });

  it('answers 404 NOT_FOUND for an unknown player and 400 for a bad page', async () => {
    const missing = await get('/api/players/nobody/races');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await get('/api/players/user-1/races?page=0')).status).toBe(400);
  });
});
