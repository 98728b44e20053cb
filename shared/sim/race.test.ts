import { describe, expect, it } from 'vitest';
import { BOT_TUNINGS, botCarViewOf, PurePursuitBot, type BotDifficulty } from '../bots/purePursuitBot.ts';
import { PLAYFIELD } from './constants.ts';
import {
  computeStandings,
  createRace,
  lapDurations,
  retireCar,
  stepRace,
  type CarAction,
  type RaceState,
} from './race.ts';
import { startLineOffsets, START_LINE_HALF_LENGTH } from './raceProgress.ts';
import { createSimulation } from './simulation.ts';
import { buildTrack } from './trackRoad.ts';

function botsFor(race: RaceState, difficulties: readonly BotDifficulty[]): PurePursuitBot[] {
  return difficulties.map((d) => new PurePursuitBot(race.track.points, BOT_TUNINGS[d]));
}

function botActions(race: RaceState, bots: readonly PurePursuitBot[]): CarAction[] {
  return bots.map((bot, k) => {
    const [steer, gas, brake] = bot.act(botCarViewOf(race.sim.carState(k)));
    return { steer, gas, brake };
  });
}

describe('createRace', () => {
  it('puts 16 cars on a grid of pairs without overlap, the same grid for the same seed', () => {
    const cars = Array.from({ length: 16 }, (_, k) => ({ id: `c${k}` }));
    const a = createRace({ seed: 7, cars });
    const b = createRace({ seed: 7, cars });
    const c = createRace({ seed: 8, cars });
    expect(a.cars.map((car) => car.gridSlot)).toEqual(b.cars.map((car) => car.gridSlot));
    expect(a.cars.map((car) => car.gridSlot)).not.toEqual(
      createRace({ seed: 7, cars, grid: 'listed' }).cars.map((x) => x.gridSlot),
    );
    expect(c.track.tileCount).not.toBe(a.track.tileCount);
    expect([...a.cars.map((car) => car.gridSlot)].sort((x, y) => x - y)).toEqual(cars.map((_, k) => k));
    for (let i = 0; i < 16; i++) {
      for (let j = i + 1; j < 16; j++) {
        const [xi, yi] = a.sim.carState(i).hullPosition;
        const [xj, yj] = a.sim.carState(j).hullPosition;
        expect(Math.hypot(xi - xj, yi - yj), `cars ${i} and ${j}`).toBeGreaterThan(4);
      }
    }
  });

  it('rejects impossible configurations', () => {
    expect(() => createRace({ seed: 1, cars: [] })).toThrow(/1\.\.16 cars/);
    expect(() => createRace({ seed: 1, cars: Array.from({ length: 17 }, (_, k) => ({ id: `${k}` })) })).toThrow(
      /1\.\.16/,
    );
    expect(() => createRace({ seed: 1, cars: [{ id: 'a' }, { id: 'a' }] })).toThrow(/unique/);
    expect(() => createRace({ seed: 1, cars: [{ id: 'a' }], laps: 0 })).toThrow(/laps/);
    expect(() => createRace({ seed: -1, cars: [{ id: 'a' }] })).toThrow(/seed/);
  });
});

describe('stepRace', () => {
  it('lets cars collide: a car driven into the one parked ahead of it pushes it', () => {
    // Listed grid: car 2 starts one row (5 track points) straight behind car 0.
    const race = createRace({ seed: 3, cars: [{ id: 'a' }, { id: 'b' }, { id: 'rammer' }], grid: 'listed' });
    const start = race.sim.carState(0).hullPosition;
    const collisions: [number, number][] = [];
    for (let t = 0; t < 200; t++) {
      const r = stepRace(race, [null, null, { steer: 0, gas: 0.3, brake: 0 }]);
      for (const e of r.events) if (e.type === 'collision') collisions.push([e.carA, e.carB]);
    }
    expect(collisions).toContainEqual([0, 2]);
    const end = race.sim.carState(0).hullPosition;
    expect(Math.hypot(end[0] - start[0], end[1] - start[1])).toBeGreaterThan(1);
  });

  it('scores a car far from the others exactly as the single-car environment', () => {
    const track = buildTrack(0, { style: 'v3' });
    const far = track.points[Math.floor(track.tileCount / 2)];
    const gym = { x: track.points[0].x, y: track.points[0].y, angle: track.points[0].beta };
    const alone = createSimulation({ track, spawns: [gym] });
    const shared = createSimulation({ track, spawns: [gym, { x: far.x, y: far.y, angle: far.beta }] });
    const bot = new PurePursuitBot(track.points, BOT_TUNINGS.medium);
    for (let t = 0; t < 400; t++) {
      const [steer, gas, brake] = bot.act(botCarViewOf(alone.carState(0)));
      const controls = { steer: -steer, gas, brake };
      const a = alone.step([controls])[0];
      const b = shared.step([controls, { steer: 0.3, gas: 0.4, brake: 0 }])[0];
      expect(b.stepReward, `tick ${t + 1}`).toBe(a.stepReward);
      expect(shared.carState(0).hullPosition, `tick ${t + 1}`).toEqual(alone.carState(0).hullPosition);
    }
    expect(shared.tilesVisited(0)).toBe(alone.tilesVisited(0));
    expect(alone.tilesVisited(0)).toBeGreaterThan(50);
  });

  it('counts laps, lap times and the finish order of a scripted race', () => {
    const race = createRace({
      seed: 4,
      cars: [{ id: 'slow' }, { id: 'fast' }, { id: 'mid' }],
      laps: 2,
      grid: 'listed',
      timeLimitTicksPerLap: 3000,
    });
    const bots = botsFor(race, ['easy', 'hard', 'medium']);
    const crossings: number[][] = [[], [], []];
    const lapEvents: { carIndex: number; tick: number; lapTicks: number }[] = [];
    const finishes: number[] = [];
    let prev = race.cars.map((c) => startLineOffsets(race.track.points, ...race.sim.carState(c.index).hullPosition));
    while (!race.finished) {
      const r = stepRace(race, botActions(race, bots));
      for (const e of r.events) {
        if (e.type === 'lap') lapEvents.push(e);
        if (e.type === 'finish') finishes.push(e.carIndex);
      }
      const now = race.cars.map((c) => startLineOffsets(race.track.points, ...race.sim.carState(c.index).hullPosition));
      now.forEach((o, k) => {
        if (prev[k].along < 0 && o.along >= 0 && Math.abs(o.across) <= START_LINE_HALF_LENGTH)
          crossings[k].push(r.tick);
      });
      prev = now;
      if (r.tick % 250 === 0 && race.finishOrder.length === 0) {
        // Live positions: the car that has covered the most track leads; gaps are to the leader.
        const standings = computeStandings(race);
        const distances = standings.map((st) => st.distancePoints);
        expect(distances, `tick ${r.tick}`).toEqual([...distances].sort((a, b) => b - a));
        expect(standings[0].gapPoints).toBe(0);
        expect(standings.map((st) => st.position)).toEqual([1, 2, 3]);
      }
    }
    // Every car finished both laps; the finish order is the order of the finishing ticks.
    expect(race.cars.map((c) => c.status)).toEqual(['finished', 'finished', 'finished']);
    const byFinishTick = [0, 1, 2].sort((a, b) => race.cars[a].endTick! - race.cars[b].endTick! || a - b);
    expect(finishes).toEqual(byFinishTick);
    expect(race.finishOrder).toEqual(byFinishTick);
    expect(computeStandings(race).map((s) => s.carIndex)).toEqual(byFinishTick);
    expect(computeStandings(race).map((s) => s.position)).toEqual([1, 2, 3]);
    for (const car of race.cars) {
      const ends = car.progress.lapEndTicks;
      expect(ends).toHaveLength(2);
      // A lap ends exactly on a tick where the hull crossed the start line going forwards.
      for (const end of ends) expect(crossings[car.index]).toContain(end);
      expect(car.endTick).toBe(ends[1]);
      const mine = lapEvents.filter((e) => e.carIndex === car.index);
      expect(mine.map((e) => e.tick)).toEqual(ends);
      expect(mine.map((e) => e.lapTicks)).toEqual(lapDurations(ends));
      expect(lapDurations(ends).reduce((a, b) => a + b)).toBe(ends[1]);
    }
    const finishTicks = race.finishOrder.map((k) => race.cars[k].endTick!);
    expect([...finishTicks].sort((a, b) => a - b)).toEqual(finishTicks);
  });

  it('does not count a start-line crossing without most of the lap driven', () => {
    // Cars 2 and 3 start a row behind the line and cross it within the first second.
    const race = createRace({ seed: 2, cars: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], grid: 'listed' });
    const behind = startLineOffsets(race.track.points, ...race.sim.carState(2).hullPosition);
    expect(behind.along).toBeLessThan(-10);
    for (let t = 0; t < 150; t++) stepRace(race, [null, null, { steer: 0, gas: 0.3, brake: 0 }, null]);
    expect(startLineOffsets(race.track.points, ...race.sim.carState(2).hullPosition).along).toBeGreaterThan(0);
    expect(race.cars[2].progress.lapsCompleted).toBe(0);
    expect(race.cars[2].progress.lapTileCount).toBeGreaterThan(4);
    expect(race.cars[2].status).toBe('racing');
  });

  it('ends a car that leaves the field with −100 and one that runs out of time as truncated', () => {
    const race = createRace({
      seed: 5,
      cars: [{ id: 'wild' }, { id: 'idle' }],
      laps: 1,
      timeLimitTicksPerLap: 2000,
      grid: 'listed',
    });
    let leftAt = -1;
    let last = null;
    while (!race.finished) {
      last = stepRace(race, [{ steer: 0, gas: 0.4, brake: 0 }, null]);
      if (last.cars[0]?.terminated) {
        leftAt = last.tick;
        expect(last.cars[0].reward).toBe(-100);
        expect(last.events).toContainEqual({ type: 'dnf', tick: last.tick, carIndex: 0, reason: 'leftField' });
        const [x, y] = race.sim.carState(0).hullPosition;
        expect(Math.max(Math.abs(x), Math.abs(y))).toBeGreaterThan(PLAYFIELD);
      }
    }
    expect(leftAt).toBeGreaterThan(0);
    expect(last!.tick).toBe(2000);
    expect(last!.cars[1]).toEqual({ reward: expect.any(Number), terminated: false, truncated: true });
    expect(race.cars.map((c) => c.dnfReason)).toEqual(['leftField', 'timeLimit']);
    expect(computeStandings(race).map((s) => s.carIndex)).toEqual([1, 0]);
  });

  it('retires a car from outside the simulation and keeps racing the others', () => {
    const race = createRace({ seed: 6, cars: [{ id: 'a' }, { id: 'b' }], grid: 'listed' });
    for (let t = 0; t < 10; t++) stepRace(race, []);
    expect(retireCar(race, 0, 'disconnected')).toEqual({ type: 'dnf', tick: 10, carIndex: 0, reason: 'disconnected' });
    expect(retireCar(race, 0, 'disconnected')).toBeNull();
    const r = stepRace(race, [{ steer: 0, gas: 1, brake: 0 }, null]);
    expect(r.cars[0]).toBeNull();
    expect(r.cars[1]).not.toBeNull();
    expect(race.finished).toBe(false);
  });

  it('is deterministic: same seed and actions, same race', () => {
    const run = (): string => {
      const race = createRace({ seed: 11, cars: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }] });
      const bots = botsFor(race, ['hard', 'medium', 'easy', 'hard']);
      const log: unknown[] = [];
      for (let t = 0; t < 300; t++) {
        const r = stepRace(race, botActions(race, bots));
        log.push(
          r,
          race.cars.map((c) => race.sim.carState(c.index)),
        );
      }
      return JSON.stringify(log);
    };
    expect(run()).toBe(run());
  });
});
