/**
 * The arena's memory, end to end on the embedded PostgreSQL it starts itself under DATA_DIR:
 * a user, an agent (a seed), a raced and rated race survive a stop and a start; the ladder fills
 * the agents board by itself and pushes leaderboard updates; ladder races can be watched live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSeedAgents } from '../../server/agents/seedAgents.ts';
import { startArena, type Arena } from '../../server/arena.ts';
import { parseServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import type { RaceListing, RaceResults } from '../../shared/protocol/events.ts';
import { connectClient, createRace, registerAndLogin, request, waitFor } from './arenaHarness.ts';

const DQN = readSeedAgents().filter((s) => s.agentId === 'seed-sarenac-dqn');
const SEEDS = readSeedAgents();

interface BoardPage {
  total: number;
  rows: { kind: string; id: string; name: string; races: number; ordinal: number }[];
}

/** An arena on its own embedded PostgreSQL in `dataDir` (as `npm start` runs it). */
async function startOwnArena(dataDir: string, env: Record<string, string>, seeds = DQN): Promise<Arena> {
  const config = parseServerConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    CLIENT_DIST_DIR: '/nonexistent',
    DATA_DIR: dataDir,
    LADDER_CONCURRENCY: '0',
    ...env,
  });
  return startArena(config, {
    log: createLogger(config.logLevel),
    seedAgents: seeds,
    raceDefaults: { countdownMs: 200, timeLimitTicksPerLap: 150 },
  });
}

async function board(arena: Arena, name: string): Promise<BoardPage> {
  return (await (await fetch(`http://127.0.0.1:${arena.port}/api/leaderboard?board=${name}`)).json()) as BoardPage;
}

describe('persistence across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'arena-persist-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every user, agent, race and rating', async () => {
    const first = await startOwnArena(dataDir, {});
    await first.agents.seedsReady;
    const user = await registerAndLogin(first, { name: 'persistent-pat', password: 'correct horse battery' });
    const raceId = await createRace(first, {
      laps: 1,
      seed: 5,
      bots: [{ difficulty: 'hard' }, { difficulty: 'easy' }],
      agents: ['seed-sarenac-dqn'],
      maxCars: 3,
    });
    const spectator = await connectClient(first);
    expect(await request(spectator, 'race:spectate', { raceId })).toEqual({ ok: true });
    const results = await waitFor<RaceResults>(spectator, 'race:results', () => true, 60_000);
    spectator.disconnect();
    expect([results.rated, results.unratedReason]).toEqual([true, null]);
    // Written once, with its ratings, before the arena answers for it.
    await expect.poll(async () => (await board(first, 'all')).total, { timeout: 10_000 }).toBe(3);
    const before = await board(first, 'all');
    await first.close();

    const second = await startOwnArena(dataDir, {});
    try {
      await second.agents.seedsReady;
      const again = await registerAndLogin(
        second,
        { name: 'persistent-pat', password: 'correct horse battery' },
        false,
      );
      expect(again.id).toBe(user.id);
      const agents = (await (await fetch(`http://127.0.0.1:${second.port}/api/agents`)).json()) as { id: string }[];
      expect(agents.map((a) => a.id)).toEqual(['seed-sarenac-dqn']);
      const race = (await (await fetch(`http://127.0.0.1:${second.port}/api/races/${raceId}`)).json()) as {
        entries: unknown[];
        startedAt: string | null;
        finishedAt: string;
      };
      expect(race.entries).toHaveLength(3);
      expect(Date.parse(race.startedAt!)).toBeLessThan(Date.parse(race.finishedAt));
      expect(await board(second, 'all')).toEqual(before);
      expect(before.rows.find((r) => r.id === 'seed-sarenac-dqn')?.races).toBe(1);
    } finally {
      await second.close();
    }
  }, 120_000);
});

describe('the ladder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'arena-ladder-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('races the seed agents and bots by itself until the agents board fills, live and watchable', async () => {
    const arena = await startOwnArena(dataDir, { LADDER_CONCURRENCY: '2' }, SEEDS);
    try {
      const watcher = await connectClient(arena);
      const updates: unknown[] = [];
      watcher.on('leaderboard:update', (u) => updates.push(u));
      // A ladder race shows in the lobby and can be spectated.
      const listing = await waitFor<readonly RaceListing[]>(
        watcher,
        'lobby:update',
        (races) => races.some((r) => r.ladder),
        60_000,
      );
      const ladderRace = listing.find((r) => r.ladder)!;
      expect(await request(watcher, 'race:spectate', { raceId: ladderRace.id })).toEqual({ ok: true });
      await expect
        .poll(async () => (await board(arena, 'agents')).rows.filter((r) => r.races >= 1).length, {
          timeout: 90_000,
          interval: 1000,
        })
        .toBe(3);
      const agentsBoard = await board(arena, 'agents');
      expect(agentsBoard.rows.map((r) => r.id).sort()).toEqual(SEEDS.map((s) => s.agentId).sort());
      expect(updates.length).toBeGreaterThan(0);
      const all = await board(arena, 'all');
      expect(all.rows.some((r) => r.kind === 'bot')).toBe(true);
      watcher.disconnect();
    } finally {
      await arena.close();
    }
  }, 150_000);
});
