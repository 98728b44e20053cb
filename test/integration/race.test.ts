import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import type { RaceResults, RaceStateMessage } from '../../shared/protocol/events.ts';
import { unpackSnapshot } from '../../shared/protocol/snapshotCodec.ts';
import { computeStandings } from '../../shared/sim/race.ts';
import { resimulate } from '../support/resimulate.ts';
import { connectClient, createRace, request, waitFor, type ArenaClient } from './arenaHarness.ts';
import { startTestArena } from './arenaHarness.ts';

interface ScriptedInput {
  atMs: number;
  steer: number;
  gas: number;
  brake: number;
}
const script: ScriptedInput[] = JSON.parse(
  readFileSync(new URL('./fixtures/humanInputs.json', import.meta.url), 'utf8'),
).inputs;

/** Plays a scripted human: from the race start, sends the scripted control state every 20 ms with the last 3 inputs. */
function driveScripted(socket: ArenaClient, mirror: boolean): () => void {
  let seq = 0;
  const sent: { seq: number; steer: number; gas: number; brake: number }[] = [];
  let t0 = -1;
  const timer = setInterval(() => {
    if (t0 < 0) return;
    const elapsed = performance.now() - t0;
    const current = [...script].reverse().find((s) => s.atMs <= elapsed) ?? script[0];
    sent.push({ seq: seq++, steer: mirror ? -current.steer : current.steer, gas: current.gas, brake: current.brake });
    socket.emit('race:input', sent.slice(-3));
  }, 20);
  socket.on('race:event', (e) => {
    if (e.type === 'start') t0 = performance.now();
  });
  return () => clearInterval(timer);
}

describe('a race with two scripted humans and two bots', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await startTestArena();
  });
  afterAll(async () => {
    await arena.close();
  });

  it('when it runs one lap, then a spectator gets 25 ± 2 snapshots/s and the results re-simulate exactly', async () => {
    const raceId = await createRace(arena, {
      laps: 1,
      seed: 4,
      bots: [{ difficulty: 'hard' }, { difficulty: 'medium' }],
      maxCars: 4,
    });
    const spectator = await connectClient(arena);
    const snapshotTimes: number[] = [];
    const ticks: number[] = [];
    spectator.on('race:snapshot', (bytes) => {
      snapshotTimes.push(performance.now());
      ticks.push(unpackSnapshot(new Uint8Array(bytes)).tick);
    });
    const firstState = waitFor<RaceStateMessage>(spectator, 'race:state');
    expect(await request(spectator, 'race:spectate', { raceId })).toEqual({ ok: true });
    expect((await firstState).status).toBe('waiting');

    const humans = await Promise.all([connectClient(arena), connectClient(arena)]);
    const stops = humans.map((h, i) => driveScripted(h, i === 1));
    const joins = [];
    for (const [i, h] of humans.entries())
      joins.push(await request<{ carIndex: number; token: string }>(h, 'race:join', { raceId, name: `Human ${i}` }));
    expect(joins.map((j) => (j.ok ? j.carIndex : -1))).toEqual([2, 3]);

    const results = await waitFor<RaceResults>(spectator, 'race:results', () => true, 90_000);
    stops.forEach((stop) => stop());

    // 25 Hz: measured over the whole race, after the first racing snapshot.
    const racing = snapshotTimes.filter((_, i) => ticks[i] > 0);
    const seconds = (racing.at(-1)! - racing[0]) / 1000;
    expect(seconds).toBeGreaterThan(5);
    const rate = (racing.length - 1) / seconds;
    expect(rate).toBeGreaterThanOrEqual(23);
    expect(rate).toBeLessThanOrEqual(27);

    // The humans' inputs reached their cars, clamped, from a tick after the start.
    expect(results.cars.map((c) => c.kind).sort()).toEqual(['bot', 'bot', 'human', 'human']);
    expect(results.actionLog.some((tick) => tick[2] !== null && tick[2][1] > 0)).toBe(true);
    expect(results.actionLog.some((tick) => tick[3] !== null && tick[3][1] > 0)).toBe(true);

    const race = await resimulate(results);
    expect(race.finished).toBe(true);
    expect(race.tick).toBe(results.ticks);
    expect(race.finishOrder).toEqual(results.finishOrder);
    const standings = computeStandings(race);
    expect(standings.map((s) => s.carIndex)).toEqual(results.cars.map((c) => c.carIndex));
    for (const car of results.cars) {
      const again = race.cars[car.carIndex];
      expect(
        again.progress.lapEndTicks.map((end, i, ends) => end - (i > 0 ? ends[i - 1] : 0)),
        car.name,
      ).toEqual(car.lapTicks);
      expect([again.status, again.dnfReason, again.endTick, again.totalReward], car.name).toEqual([
        car.status,
        car.dnfReason,
        car.endTick,
        car.totalReward,
      ]);
    }
    // The hard bot completes its lap.
    expect(results.cars.find((c) => c.carIndex === 0)!.status).toBe('finished');
    for (const s of [spectator, ...humans]) s.disconnect();
  });
});
