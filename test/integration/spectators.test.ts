/** The lobby lists how many watch each race (spectators, not drivers), and the count follows them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaceListing } from '../../shared/protocol/events.ts';
import type { Arena } from '../../server/arena.ts';
import { connectClient, createRace, request, startTestArena, waitFor, type ArenaClient } from './arenaHarness.ts';

describe('spectator counts in the lobby', () => {
  let arena: Arena;
  const clients: ArenaClient[] = [];
  beforeAll(async () => {
    arena = await startTestArena({ LOBBY_WAIT_MS: '60000' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await arena.close();
  });

  it('counts spectators, not drivers, and drops those who leave', async () => {
    const raceId = await createRace(arena, { laps: 1, bots: [{ difficulty: 'easy' }], maxCars: 4 });
    const [driver, first, second, lobby] = await Promise.all([1, 2, 3, 4].map(() => connectClient(arena)));
    clients.push(driver, first, second, lobby);
    const listed = (races: readonly RaceListing[]) => races.find((r) => r.id === raceId);

    expect(await request(driver, 'race:join', { raceId, name: 'Driver' })).toMatchObject({ ok: true });
    expect(await request(first, 'race:spectate', { raceId })).toEqual({ ok: true });
    expect(await request(second, 'race:spectate', { raceId })).toEqual({ ok: true });
    await waitFor<readonly RaceListing[]>(lobby, 'lobby:update', (races) => listed(races)?.spectators === 2, 10_000);

    expect(await request(first, 'race:leave')).toEqual({ ok: true });
    second.close();
    await waitFor<readonly RaceListing[]>(lobby, 'lobby:update', (races) => listed(races)?.spectators === 0, 10_000);
    const res = await fetch(`http://127.0.0.1:${arena.port}/api/races`);
    expect(listed((await res.json()) as RaceListing[])).toMatchObject({ spectators: 0, cars: [{}, {}] });
  });
});
