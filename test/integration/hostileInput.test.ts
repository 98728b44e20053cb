import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { connectClient, createRace, request, startTestArena, waitFor } from './arenaHarness.ts';

describe('hostile input', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await startTestArena({}, { raceDefaults: { countdownMs: 200, timeLimitTicksPerLap: 150 } });
  });
  afterAll(async () => {
    await arena.close();
  });

  it('when a client sends garbage, floods, oversizes or targets other cars, then it is rejected and the race runs on', async () => {
    const raceId = await createRace(arena, { laps: 1, seed: 9, bots: [{ difficulty: 'hard' }], maxCars: 3 });
    const victim = await connectClient(arena);
    const attacker = await connectClient(arena);
    const spectator = await connectClient(arena);
    await request(spectator, 'race:spectate', { raceId });

    // Not a driver yet: inputs are refused, whatever car they name.
    expect(await request(attacker, 'race:input', { seq: 1, steer: 1, gas: 1, brake: 0, carIndex: 1 })).toMatchObject({
      ok: false,
      code: 'NOT_A_DRIVER',
    });
    // Unknown race ids and malformed requests.
    expect(await request(attacker, 'race:spectate', { raceId: 'nope' })).toMatchObject({
      ok: false,
      code: 'RACE_NOT_FOUND',
    });
    expect(await request(attacker, 'race:join', { raceId: 'nope', name: 'x' })).toMatchObject({
      ok: false,
      code: 'RACE_NOT_FOUND',
    });
    expect(await request(attacker, 'race:join', { raceId, name: 42 })).toMatchObject({
      ok: false,
      code: 'INVALID_PAYLOAD',
    });
    expect(await request(attacker, 'race:spectate', 'drop table')).toMatchObject({
      ok: false,
      code: 'INVALID_PAYLOAD',
    });

    expect(await request(victim, 'race:join', { raceId, name: 'Victim' })).toMatchObject({ ok: true, carIndex: 1 });
    expect(await request(attacker, 'race:join', { raceId, name: 'Attacker' })).toMatchObject({ ok: true, carIndex: 2 });
    await waitFor(spectator, 'race:event', (e: { type: string }) => e.type === 'start');

    // Wrong types, NaN (JSON sends null), strings, missing fields, negative or fractional seq.
    for (const bad of [
      { seq: 1, steer: 'left', gas: 1, brake: 0 },
      { seq: 1, steer: NaN, gas: 1, brake: 0 },
      { seq: 1, steer: 0, gas: null, brake: 0 },
      { seq: -1, steer: 0, gas: 1, brake: 0 },
      { seq: 1.5, steer: 0, gas: 1, brake: 0 },
      { steer: 0, gas: 1, brake: 0 },
      [],
      Array.from({ length: 50 }, (_, i) => ({ seq: i, steer: 0, gas: 1, brake: 0 })),
      'x',
    ]) {
      expect(await request(attacker, 'race:input', bad), JSON.stringify(bad)).toMatchObject({
        ok: false,
        code: 'INVALID_PAYLOAD',
      });
    }
    // Huge numbers are clamped; a carIndex in the payload changes nothing: the input drives the sender's own car.
    expect(
      await request(attacker, 'race:input', { seq: 10, steer: -1e308, gas: 1e300, brake: 1e9, carIndex: 1 }),
    ).toEqual({ ok: true });
    // An older seq (a replayed copy) is ignored without error.
    expect(await request(attacker, 'race:input', { seq: 3, steer: 1, gas: 0, brake: 0 })).toEqual({ ok: true });

    await new Promise((r) => setTimeout(r, 100)); // let a few ticks take it

    // A flood: beyond 60 per second, inputs are refused.
    const flood = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        request(attacker, 'race:input', { seq: 100 + i, steer: 0, gas: 0, brake: 1 }),
      ),
    );
    const limited = flood.filter((r) => !r.ok && r.code === 'INPUT_RATE_LIMITED').length;
    expect(limited).toBeGreaterThanOrEqual(150 - 70);

    // An oversized payload closes that connection only.
    const big = await connectClient(arena);
    const closed = new Promise((resolve) => big.once('disconnect', resolve));
    big.emit('race:spectate', { raceId: 'x'.repeat(64 * 1024) });
    await closed;

    const results = await waitFor<RaceResults>(spectator, 'race:results');
    // The victim never sent an input: its car got none, whatever the attacker did.
    expect(results.actionLog.every((tick) => tick[1] === null)).toBe(true);
    // Everything that reached the attacker's car lies in the action space.
    for (const tick of results.actionLog) {
      const a = tick[2];
      if (a === null) continue;
      expect(Math.abs(a[0])).toBeLessThanOrEqual(1);
      expect(a[1]).toBeGreaterThanOrEqual(0);
      expect(a[1]).toBeLessThanOrEqual(1);
      expect(a[2]).toBeGreaterThanOrEqual(0);
      expect(a[2]).toBeLessThanOrEqual(1);
    }
    expect(
      results.actionLog.some((tick) => tick[2] !== null && tick[2][0] === -1 && tick[2][1] === 1 && tick[2][2] === 1),
    ).toBe(true);
    expect(results.ticks).toBe(150);

    // The server is alive.
    const health = await fetch(`http://127.0.0.1:${arena.port}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    for (const s of [victim, attacker, spectator]) s.disconnect();
  });

  it('when POST /api/races gets a bad body, then it answers 400 or 413 with a code', async () => {
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${arena.port}/api/races`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    for (const body of [
      '{',
      '{"laps":0,"bots":[]}',
      '{"laps":1,"bots":[{"difficulty":"godlike"}]}',
      '{"laps":1,"seed":-4}',
      '{"laps":"3"}',
    ]) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    }
    expect((await post(JSON.stringify({ laps: 1, pad: 'x'.repeat(100_000) }))).status).toBe(413);
    const agent = await post('{"laps":1,"bots":[],"agents":["ghost"]}');
    expect(agent.status).toBe(400);
    expect(await agent.json()).toMatchObject({ code: 'AGENT_NOT_FOUND' });
  });
});
