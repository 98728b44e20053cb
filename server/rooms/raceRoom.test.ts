import { describe, expect, it } from 'vitest';
import type { RaceEventMessage, RaceResults, RaceStatus } from '../../shared/protocol/events.ts';
import { createLogger } from '../log.ts';
import { ManualTime } from '../race/clock.ts';
import { InProcessRaceHostFactory } from '../race/inProcessRaceHostFactory.ts';
import { InMemoryResultsSink } from '../store/inMemoryResultsSink.ts';
import type { RaceBroadcaster } from './raceBroadcaster.ts';
import { RaceRoom, type RaceRoomSettings } from './raceRoom.ts';

function setup(over: Partial<RaceRoomSettings> = {}) {
  const time = new ManualTime();
  const statuses: RaceStatus[] = [];
  const events: RaceEventMessage[] = [];
  const results: RaceResults[] = [];
  let snapshots = 0;
  const broadcaster: RaceBroadcaster = {
    state: (_id, s) => statuses.push(s.status),
    snapshot: () => snapshots++,
    event: (_id, e) => events.push(e),
    results: (_id, r) => results.push(r),
    lobby: () => {},
  };
  const sink = new InMemoryResultsSink();
  let closed = false;
  const room = new RaceRoom(
    {
      id: 'r1',
      seed: 3,
      laps: 1,
      maxCars: 2,
      timeLimitTicksPerLap: 100,
      waitMs: 5000,
      countdownMs: 3000,
      disconnectGraceMs: 10_000,
      resultsLingerMs: 1000,
      presetSeats: [{ name: 'Bot', driver: { kind: 'bot', difficulty: 'hard' } }],
      ...over,
    },
    {
      clock: time,
      scheduler: time,
      hosts: new InProcessRaceHostFactory(time, time),
      broadcaster,
      resultsSink: sink,
      log: createLogger('silent'),
      onChange: () => {},
      onClosed: () => (closed = true),
    },
  );
  return { time, room, statuses, events, results, sink, snapshots: () => snapshots, closed: () => closed };
}

describe('RaceRoom', () => {
  it('goes waiting → countdown (3 s) → racing → finished, then closes with no timer left', () => {
    const t = setup();
    expect(t.room.status).toBe('waiting');
    const seat = t.room.join('Ann');
    expect(seat.carIndex).toBe(1);
    expect(t.room.status).toBe('waiting'); // starting: the race is being built
    expect(() => t.room.join('Bob')).toThrow(/starting/);
    t.time.advance(0);
    expect(t.room.status).toBe('countdown');
    expect(t.snapshots()).toBe(1); // the grid, for late joiners
    t.time.advance(2999);
    expect(t.room.status).toBe('countdown');
    expect(
      t.events.filter((e) => e.type === 'countdown').map((e) => (e as { secondsLeft: number }).secondsLeft),
    ).toEqual([3, 2, 1]);
    t.time.advance(1);
    expect(t.room.status).toBe('racing');
    t.room.input(1, { steer: 0, gas: 1, brake: 0 });
    t.time.advance(100 * 20);
    expect(t.room.status).toBe('finished');
    expect(t.results).toHaveLength(1);
    expect(t.results[0].ticks).toBe(100);
    expect(t.snapshots()).toBe(1 + 50);
    expect(t.results[0].actionLog[5][1]).toEqual([0, 1, 0]);
    expect(t.statuses).toEqual(['waiting', 'countdown', 'racing', 'finished']);
    t.time.advance(1000);
    expect(t.closed()).toBe(true);
    expect(t.time.pendingTimers).toBe(0);
  });

  it('starts the countdown after the wait with the seats it has, and refuses late joiners', () => {
    const t = setup({ maxCars: 4 });
    t.time.advance(5000);
    t.time.advance(0);
    expect(t.room.status).toBe('countdown');
    expect(() => t.room.join('Late')).toThrow(/countdown/);
  });

  it('keeps a disconnected car for the grace period, then retires it', () => {
    const t = setup({ disconnectGraceMs: 10_000, timeLimitTicksPerLap: 2000 });
    const seat = t.room.join('Ann');
    t.time.advance(0);
    t.time.advance(3000);
    t.room.disconnect(seat.carIndex);
    t.time.advance(9000);
    expect(t.room.join('Ann', seat.token)).toEqual(seat);
    t.room.disconnect(seat.carIndex);
    t.time.advance(9999);
    expect(t.events.some((e) => e.type === 'dnf')).toBe(false);
    t.time.advance(21);
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'dnf', carIndex: 1, reason: 'disconnected' }));
  });

  it('cancels every timer when disposed mid-countdown', () => {
    const t = setup();
    t.room.join('Ann');
    t.room.dispose();
    expect(t.time.pendingTimers).toBe(0);
  });

  it('unwatched, starts with no countdown and runs unpaced, sending no snapshots', () => {
    const t = setup({ maxCars: 1, startsUnwatched: true, timeLimitTicksPerLap: 1000 });
    for (let i = 0; i < 5 && t.results.length === 0; i++) t.time.advance(0); // no clock time passes
    expect(t.time.nowMs()).toBe(0);
    expect(t.results).toHaveLength(1);
    expect(t.results[0].ticks).toBeGreaterThan(100);
    expect(t.events.some((e) => e.type === 'countdown')).toBe(false);
    expect(t.snapshots()).toBe(1); // the grid only: nobody watched
    t.room.dispose();
  });

  it('watched again, goes back to 50 Hz with the current snapshot at once', () => {
    const t = setup({ maxCars: 1, timeLimitTicksPerLap: 1000 });
    t.time.advance(3000); // grid, countdown, start
    const before = t.snapshots();
    t.room.setWatched(false); // (left unwatched for any time, the race would run to its end at once)
    t.room.setWatched(true);
    expect(t.snapshots()).toBe(before + 1);
    t.time.advance(200);
    expect(t.snapshots()).toBeGreaterThanOrEqual(before + 1 + 5);
    t.room.dispose();
  });
});
