import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { unpackSnapshot } from '../../shared/protocol/snapshotCodec.ts';
import { connectClient, createRace, request, startTestArena, waitFor } from './arenaHarness.ts';

const GRACE_MS = 1500;

describe('disconnect and reconnect', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await startTestArena(
      { DISCONNECT_GRACE_MS: String(GRACE_MS) },
      { raceDefaults: { countdownMs: 200, timeLimitTicksPerLap: 400 } },
    );
  });
  afterAll(async () => {
    await arena.close();
  });

  it('when a driver reconnects within the grace period, then it drives the same car; when one does not, then its car is a DNF', async () => {
    const raceId = await createRace(arena, { laps: 1, seed: 5, bots: [{ difficulty: 'hard' }], maxCars: 3 });
    const spectator = await connectClient(arena);
    await request(spectator, 'race:spectate', { raceId });
    const stayer = await connectClient(arena);
    const quitter = await connectClient(arena);
    const joined = await request<{ carIndex: number; token: string }>(stayer, 'race:join', { raceId, name: 'Stayer' });
    if (!joined.ok) throw new Error(joined.message);
    await request(quitter, 'race:join', { raceId, name: 'Quitter' });
    await waitFor(spectator, 'race:event', (e: { type: string }) => e.type === 'start');

    const dnf = waitFor<{ type: string; carIndex: number; reason: string; tick: number }>(
      spectator,
      'race:event',
      (e: { type: string }) => e.type === 'dnf',
    );
    const droppedAt = performance.now();
    stayer.disconnect();
    quitter.disconnect();
    await new Promise((r) => setTimeout(r, GRACE_MS / 3));

    const back = await connectClient(arena);
    const rejoined = await request<{ carIndex: number; token: string }>(back, 'race:join', {
      raceId,
      name: 'Stayer',
      token: joined.token,
    });
    expect(rejoined).toEqual({ ok: true, carIndex: joined.carIndex, token: joined.token });
    expect(await request(back, 'race:input', { seq: 0, steer: 0, gas: 1, brake: 0 })).toEqual({ ok: true });

    const event = await dnf;
    expect(event).toMatchObject({ type: 'dnf', carIndex: 2, reason: 'disconnected' });
    expect(performance.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);

    const snapshot = unpackSnapshot(new Uint8Array(await waitFor<ArrayBuffer>(spectator, 'race:snapshot')));
    expect(snapshot.cars[1].status).toBe('racing');
    expect(snapshot.cars[2]).toMatchObject({ status: 'dnf', dnfReason: 'disconnected' });

    const results = await waitFor<RaceResults>(spectator, 'race:results');
    expect(results.retirements).toEqual([{ tick: expect.any(Number), carIndex: 2, reason: 'disconnected' }]);
    expect(results.cars.find((c) => c.carIndex === 1)!.dnfReason).not.toBe('disconnected');
    // The car got input again after the reconnect.
    expect(results.actionLog.some((tick) => tick[1] !== null && tick[1][1] === 1)).toBe(true);
    for (const s of [spectator, back]) s.disconnect();
  });

  it('keeps a car 10 s by default', async () => {
    const { parseServerConfig } = await import('../../server/config.ts');
    expect(parseServerConfig({}).disconnectGraceMs).toBe(10_000);
  });
});
