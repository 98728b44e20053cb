import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import type { RaceEventMessage, RaceListing, RaceResults, RaceStateMessage } from '../../shared/protocol/events.ts';
import { connectClient, createRace, request, startTestArena, waitFor } from './arenaHarness.ts';

describe('rematch', () => {
  let arena: Arena;
  beforeAll(async () => {
    // Races of 100 ticks (2 s): every car is out at the time limit.
    arena = await startTestArena({}, { raceDefaults: { countdownMs: 200, timeLimitTicksPerLap: 100 } });
  });
  afterAll(async () => {
    await arena.close();
  });

  it('when a driver of the finished race asks, then a room with the same config and bots on a new seed opens and the race sockets hear of it', async () => {
    const bots = [{ difficulty: 'hard' }, { difficulty: 'easy' }] as const;
    const raceId = await createRace(arena, { laps: 1, seed: 7, bots, maxCars: 4, waitSeconds: 30 });
    const spectator = await connectClient(arena);
    const ann = await connectClient(arena);
    const bob = await connectClient(arena);
    await request(spectator, 'race:spectate', { raceId });
    expect(await request(ann, 'race:join', { raceId, name: 'Ann' })).toMatchObject({ ok: true, carIndex: 2 });
    expect(await request(bob, 'race:join', { raceId, name: 'Bob' })).toMatchObject({ ok: true, carIndex: 3 });

    // Before the finish: refused, nothing opens.
    await waitFor(spectator, 'race:event', (e: RaceEventMessage) => e.type === 'start');
    expect(await request(ann, 'race:rematch', { raceId })).toMatchObject({ ok: false, code: 'RACE_NOT_FINISHED' });
    await waitFor<RaceResults>(spectator, 'race:results');

    // Hostile or unauthorised asks change nothing.
    const before = arena.lobby.size;
    expect(await request(spectator, 'race:rematch', { raceId })).toMatchObject({ ok: false, code: 'NOT_A_DRIVER' });
    expect(await request(ann, 'race:rematch', { raceId: 42 })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request(ann, 'race:rematch', { raceId: 'no-such-race' })).toMatchObject({
      ok: false,
      code: 'RACE_NOT_FOUND',
    });
    expect(await request(ann, 'race:rematch')).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(arena.lobby.size).toBe(before);

    const announced = Promise.all(
      [spectator, bob].map((s) =>
        waitFor<RaceEventMessage>(s, 'race:event', (e: RaceEventMessage) => e.type === 'rematch'),
      ),
    );
    const stateWithRematch = waitFor<RaceStateMessage>(
      spectator,
      'race:state',
      (s: RaceStateMessage) => s.rematchRaceId !== null,
    );
    const lobbyWithRematch = waitFor<RaceListing[]>(bob, 'lobby:update', (l: RaceListing[]) => l.length > before);
    const asked = await request<{ raceId: string }>(ann, 'race:rematch', { raceId });
    if (!asked.ok) throw new Error(asked.message);
    const rematchId = asked.raceId;
    expect(rematchId).not.toBe(raceId);

    for (const event of await announced)
      expect(event).toEqual({ type: 'rematch', raceId: rematchId, seed: expect.any(Number) });
    expect((await stateWithRematch).rematchRaceId).toBe(rematchId);
    const listing = (await lobbyWithRematch).find((r) => r.id === rematchId)!;
    expect(listing).toMatchObject({ status: 'waiting', laps: 1 });
    expect(listing.seed).not.toBe(7);
    expect(listing.cars).toEqual([
      { name: 'Bot 1 (hard)', kind: 'bot' },
      { name: 'Bot 2 (easy)', kind: 'bot' },
    ]);

    // The other driver asking gets the same room; both take their seats in it.
    expect(await request(bob, 'race:rematch', { raceId })).toEqual({ ok: true, raceId: rematchId });
    expect(arena.lobby.size).toBe(before + 1);
    const state = waitFor<RaceStateMessage>(ann, 'race:state', (s: RaceStateMessage) => s.raceId === rematchId);
    expect(await request(ann, 'race:join', { raceId: rematchId, name: 'Ann' })).toMatchObject({
      ok: true,
      carIndex: 2,
    });
    expect(await state).toMatchObject({
      raceId: rematchId,
      maxCars: 4,
      laps: 1,
      timeLimitTicksPerLap: 100,
      rematchRaceId: null,
    });
    expect(await request(bob, 'race:join', { raceId: rematchId, name: 'Bob' })).toMatchObject({
      ok: true,
      carIndex: 3,
    });
    // A full room counts down at once, and runs.
    await waitFor(ann, 'race:event', (e: RaceEventMessage) => e.type === 'start');
    // Ann left the finished race for the rematch: she drives no car there any more.
    expect(await request(ann, 'race:rematch', { raceId })).toMatchObject({ ok: false, code: 'NOT_A_DRIVER' });
    for (const s of [spectator, ann, bob]) s.disconnect();
  });
});
