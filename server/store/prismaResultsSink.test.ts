import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import type { Board } from '../ratings/ratingModel.ts';
import { PrismaResultsSink, writeRaceResults } from './prismaResultsSink.ts';
import { relabel, runBotRace } from './raceResults.testutil.ts';
import { decodeReplayPayload } from './replayCodec.ts';

let db: TestDatabase;
let base: RaceResults;

beforeAll(async () => {
  db = await createTestDatabase();
  base = runBotRace({
    raceId: 'base',
    seed: 3,
    difficulties: ['hard', 'medium', 'easy', 'hard', 'medium', 'easy'],
    retire: { tick: 200, carIndex: 4 },
  });
  await db.prisma.agent.create({
    data: { id: 'agent-a', name: 'Alpha', format: 'onnx', manifest: {}, modelSha256: 'x', report: {} },
  });
});

afterAll(async () => {
  await db?.drop();
});

async function counts(raceId: string) {
  const p = db.prisma;
  return {
    races: await p.race.count({ where: { id: raceId } }),
    entries: await p.raceEntry.count({ where: { raceId } }),
    replays: await p.replay.count({ where: { raceId } }),
    history: await p.ratingHistory.count({ where: { raceId } }),
  };
}

describe('PrismaResultsSink', () => {
  it('stores a race, its entries, its replay, and rates its drivers in one go', async () => {
    const boards: (readonly Board[])[] = [];
    const sink = new PrismaResultsSink({ prisma: db.prisma, onRatingsChanged: (b) => boards.push(b) });
    const results = relabel(base, 'race-1', {
      0: { kind: 'agent', agentId: 'agent-a', name: 'Alpha v1' },
      1: { kind: 'human', userId: 'user-1', name: 'Alice' },
      2: { kind: 'human', userId: null, name: 'guest' },
    });
    await sink.save(results);

    expect(await counts('race-1')).toEqual({ races: 1, entries: 6, replays: 1, history: 5 });
    const race = await db.prisma.race.findUniqueOrThrow({ where: { id: 'race-1' }, include: { entries: true } });
    expect(race).toMatchObject({ seed: 3n, status: 'finished', rated: true, unratedReason: null, ticks: base.ticks });
    expect(race.config).toEqual(base.config);
    const byCar = new Map(race.entries.map((e) => [e.carIndex, e]));
    for (const car of results.cars) {
      expect(byCar.get(car.carIndex)).toMatchObject({
        driverKind: car.kind,
        name: car.name,
        agentId: car.agentId,
        userId: car.userId,
        position: car.position,
        status: car.status,
        dnfReason: car.dnfReason,
        lapTicks: car.lapTicks,
        bestLapTicks: car.bestLapTicks,
        totalReward: car.totalReward,
        endTick: car.endTick,
      });
    }
    expect(new Set(race.entries.map((e) => e.status))).toEqual(new Set(['finished', 'dnf']));

    const replay = await db.prisma.replay.findUniqueOrThrow({ where: { raceId: 'race-1' } });
    expect(decodeReplayPayload(replay.actionLog)).toEqual({
      actionLog: base.actionLog,
      retirements: base.retirements,
    });

    const ratings = await db.prisma.rating.findMany({ orderBy: [{ subjectKind: 'asc' }, { subjectId: 'asc' }] });
    // Guest left out; the two hard bots (cars 0 relabelled) … cars 3 (hard), 4 (medium), 5 (easy) are bots.
    expect(ratings.map((r) => `${r.subjectKind}:${r.subjectId}`)).toEqual([
      'agent:agent-a',
      'bot:bot-easy',
      'bot:bot-hard',
      'bot:bot-medium',
      'human:user-1',
    ]);
    for (const r of ratings) {
      expect(r.races).toBe(1);
      expect(r.ordinal).toBeCloseTo(r.mu - 3 * r.sigma, 9);
      expect(r.sigma).toBeLessThan(25 / 3);
    }
    const alice = ratings.find((r) => r.subjectId === 'user-1')!;
    expect(alice.name).toBe('Alice');
    expect(boards).toEqual([['agents', 'humans', 'all']]);
  });

  it('writes a race once however often, and however concurrently, it is saved', async () => {
    const boards: (readonly Board[])[] = [];
    const sink = new PrismaResultsSink({ prisma: db.prisma, onRatingsChanged: (b) => boards.push(b) });
    const results = relabel(base, 'race-dup');
    const before = await db.prisma.rating.findMany();
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => sink.write(results)));
    expect(outcomes.filter((o) => o.written)).toHaveLength(1);
    await sink.save(results);
    expect(await counts('race-dup')).toEqual({ races: 1, entries: 6, replays: 1, history: 3 });
    const after = await db.prisma.rating.findMany({ where: { subjectKind: 'bot' } });
    for (const r of after) {
      const prev = before.find((b) => b.subjectKind === r.subjectKind && b.subjectId === r.subjectId)!;
      expect(r.races).toBe(prev.races + 1);
    }
    expect(boards).toEqual([['all']]);
  });

  it('stores unrated races without changing any rating', async () => {
    const before = await db.prisma.rating.findMany({ orderBy: { subjectId: 'asc' } });
    let called = 0;
    const sink = new PrismaResultsSink({ prisma: db.prisma, onRatingsChanged: () => called++ });
    await sink.save(relabel(base, 'race-overload', {}, { rated: false, unratedReason: 'serverOverload' }));
    await sink.save(relabel(base, 'race-aborted', {}, { rated: false, aborted: true, unratedReason: 'aborted' }));
    const solo = relabel(base, 'race-solo', {
      0: { kind: 'agent', agentId: 'agent-a' },
      1: { kind: 'human', userId: null },
      2: { kind: 'human', userId: null },
      3: { kind: 'human', userId: null },
      4: { kind: 'human', userId: null },
      5: { kind: 'human', userId: null },
    });
    await sink.save(solo);
    expect(await db.prisma.rating.findMany({ orderBy: { subjectId: 'asc' } })).toEqual(before);
    expect(called).toBe(0);
    const races = await db.prisma.race.findMany({
      where: { id: { in: ['race-overload', 'race-aborted', 'race-solo'] } },
      orderBy: { id: 'asc' },
    });
    expect(races.map((r) => [r.id, r.status, r.rated, r.unratedReason])).toEqual([
      ['race-aborted', 'aborted', false, 'aborted'],
      ['race-overload', 'finished', false, 'serverOverload'],
      ['race-solo', 'finished', false, 'noRatedDrivers'],
    ]);
    expect(await counts('race-overload')).toEqual({ races: 1, entries: 6, replays: 1, history: 0 });
  });

  it('loses no rating update when races of the same drivers are written at once', async () => {
    const before = await db.prisma.rating.findMany({ where: { subjectKind: 'bot' } });
    const races = Array.from({ length: 12 }, (_, i) => relabel(base, `race-par-${i}`));
    await Promise.all(races.map((r) => writeRaceResults(db.prisma, r)));
    const after = await db.prisma.rating.findMany({ where: { subjectKind: 'bot' } });
    for (const r of after) {
      const prev = before.find((b) => b.subjectId === r.subjectId)!;
      expect(r.races).toBe(prev.races + 12);
      const history = await db.prisma.ratingHistory.findMany({
        where: { subjectKind: 'bot', subjectId: r.subjectId },
        orderBy: { id: 'desc' },
        take: 1,
      });
      // The last history row is the current rating: each race started from the previous one's result.
      expect(history[0]).toMatchObject({ mu: r.mu, sigma: r.sigma });
    }
  });

  it('stores the finish time, start time and ladder flag it is given', async () => {
    const finishedAt = new Date('2026-01-02T03:04:05.678Z');
    const startedAt = new Date('2026-01-02T03:03:00.001Z');
    const sink = new PrismaResultsSink({ prisma: db.prisma });
    await sink.write(relabel(base, 'race-times', {}, { ladder: true }), { finishedAt, startedAt });
    const race = await db.prisma.race.findUniqueOrThrow({ where: { id: 'race-times' } });
    expect(race.finishedAt.toISOString()).toBe(finishedAt.toISOString());
    expect(race.startedAt?.toISOString()).toBe(startedAt.toISOString());
    expect(race.ladder).toBe(true);
  });

  it('keeps the entry of an agent the database does not know, without the foreign key', async () => {
    await writeRaceResults(db.prisma, relabel(base, 'race-ghost', { 0: { kind: 'agent', agentId: 'ghost' } }));
    const entry = await db.prisma.raceEntry.findUniqueOrThrow({
      where: { raceId_carIndex: { raceId: 'race-ghost', carIndex: 0 } },
    });
    expect(entry.agentId).toBeNull();
    expect(await db.prisma.rating.count({ where: { subjectKind: 'agent', subjectId: 'ghost' } })).toBe(1);
  });
});
