import { describe, expect, it } from 'vitest';
import { readEpisode, referenceTrack } from '../../test/support/referenceEpisodes.ts';
import type { RefEpisode } from '../../test/support/referenceEpisodes.ts';
import { PLAYFIELD } from './constants.ts';
import { createSimulation, settleCarReward, Simulation } from './simulation.ts';
import type { CarControls, SimulationConfig } from './simulation.ts';
import type { CarSpawn } from './startGrid.ts';
import { applyTileContactEvents, createCarTileState } from './tileContacts.ts';
import type { TileContactEvent } from './tileContacts.ts';

/** A straight road of `n` tiles, 13.3 wide and 3.5 long, along +y from y = 0. */
function straightTrack(n: number): SimulationConfig['track'] {
  const v = new Float64Array(8 * n);
  const w = 40 / 6;
  for (let i = 0; i < n; i++) {
    const y1 = 3.5 * (i + 1);
    const y2 = 3.5 * i;
    v.set([-w, y1, w, y1, w, y2, -w, y2], 8 * i);
  }
  return { tileCount: n, tileVertices: v };
}

const GAS: CarControls = { steer: 0, gas: 1, brake: 0 };

function controlsFromAction([steer, gas, brake]: readonly number[]): CarControls {
  return { steer: -steer, gas, brake };
}

function spawnOf(ep: RefEpisode, pointIndex = 0, lateral = 0): CarSpawn {
  const [, beta, x, y] = ep.track[pointIndex];
  return { x: x + lateral * Math.cos(beta), y: y + lateral * Math.sin(beta), angle: beta };
}

describe('Simulation on a synthetic road', () => {
  it('counts the spawn tiles during the reset step and books nothing for it', () => {
    const sim = new Simulation({ track: straightTrack(40), spawns: [{ x: 0, y: 3.5, angle: 0 }] });
    const [outcome] = sim.step(null);
    expect(outcome).toEqual({ stepReward: 0, terminated: false, lapFinished: undefined, hudReward: 2 * (1000 / 40) });
    expect(sim.tilesVisited(0)).toBe(2);
    expect(Array.from(sim.visitedFlags(0).slice(0, 3))).toEqual([1, 1, 0]);
    expect(sim.t).toBe(0.02);
    expect(sim.tick).toBe(1);
  });

  it('scores a tile one step after the wheels first overlap it, and only once', () => {
    const sim = createSimulation({ track: straightTrack(40), spawns: [{ x: 0, y: 3.5, angle: 0 }] });
    let total = sim.reward(0);
    for (let i = 0; i < 120; i++) {
      const visitedBefore = sim.tilesVisited(0);
      const [o] = sim.step([GAS]);
      const gained = sim.tilesVisited(0) - visitedBefore;
      total += gained * (1000 / 40);
      total -= 0.1;
      expect(sim.reward(0), `step ${i + 1}`).toBe(total);
      expect(o.hudReward + -0.1).toBe(sim.reward(0));
    }
    expect(sim.tilesVisited(0)).toBeGreaterThan(10);
  });

  it('keeps per-car visits, rewards and recolouring: a follower scores the same tiles again', () => {
    const track = straightTrack(60);
    const sim = createSimulation({
      track,
      spawns: [
        { x: 0, y: 40, angle: 0 },
        { x: 0, y: 3.5, angle: 0 },
      ],
    });
    const standing = sim.tilesVisited(0);
    expect(sim.tilesVisited(1)).toBe(2);
    for (let i = 0; i < 60; i++) sim.step([null, GAS]);
    // Car 1 drove up the road; car 0 stood still on its tiles.
    expect(sim.tilesVisited(0)).toBe(standing);
    expect(sim.tilesVisited(1)).toBeGreaterThan(5);
    expect(sim.visitedFlags(0)[3]).toBe(0);
    expect(sim.visitedFlags(1)[3]).toBe(1);
    expect(sim.tileInRoadColor(0)[3]).toBe(0);
    expect(sim.tileInRoadColor(1)[3]).toBe(1);
  });

  it('lets cars collide (hull category 1, mask 0xFFFF)', () => {
    const sim = createSimulation({
      track: straightTrack(60),
      spawns: [
        { x: 0, y: 3.5, angle: 0 },
        { x: 0, y: 9, angle: 0 },
      ],
    });
    const y0 = sim.carState(1).hullPosition[1];
    for (let i = 0; i < 40; i++) sim.step([GAS, null]);
    expect(sim.carState(1).hullPosition[1]).toBeGreaterThan(y0 + 1);
    expect(sim.carState(0).hullPosition[1]).toBeLessThan(sim.carState(1).hullPosition[1]);
  });

  it('reports leaving the playfield: −100 replacing the step reward, terminated, lap_finished false', () => {
    const x = PLAYFIELD + 1;
    const sim = createSimulation({ track: straightTrack(10), spawns: [{ x, y: 0, angle: 0 }] });
    expect(sim.isOutOfPlayfield(0)).toBe(true);
    const [o] = sim.step([{ steer: 0, gas: 0, brake: 0 }]);
    expect(o).toEqual({ stepReward: -100, terminated: true, lapFinished: false, hudReward: 0 });
    expect(sim.reward(0)).toBe(-0.1);
    const inside = createSimulation({ track: straightTrack(10), spawns: [{ x: PLAYFIELD - 1, y: 0, angle: 0 }] });
    expect(inside.isOutOfPlayfield(0)).toBe(false);
  });

  it('rejects 0 or more than 16 cars', () => {
    expect(() => new Simulation({ track: straightTrack(5), spawns: [] })).toThrow(RangeError);
    const many = Array.from({ length: 17 }, (_, k) => ({ x: 20 * k, y: 0, angle: 0 }));
    expect(() => new Simulation({ track: straightTrack(5), spawns: many })).toThrow(RangeError);
  });

  it('exposes float32 transforms and wheel states', () => {
    const sim = createSimulation({ track: straightTrack(10), spawns: [{ x: 0.1, y: 3.5, angle: 0.3 }] });
    const s = sim.carState(0);
    expect(s.wheels).toHaveLength(4);
    for (const v of [s.hullTransform.px, s.hullTransform.py, s.hullTransform.c, s.hullTransform.s, s.hullAngle]) {
      expect(Math.fround(v)).toBe(v);
    }
    expect(s.hullTransform.c).toBe(Math.fround(Math.cos(s.hullAngle)));
    expect(s.wheels[0].tileCount).toBeGreaterThan(0);
  });
});

describe('tile contact bookkeeping (pure)', () => {
  const wheelSets = (): Set<number>[][] => [Array.from({ length: 4 }, () => new Set<number>())];

  it('recolours on any contact, counts only wheel begins, removes on end', () => {
    const car = createCarTileState(10);
    const sets = wheelSets();
    const events: TileContactEvent[] = [
      { begin: true, carIndex: 0, wheelIndex: -1, tileIndex: 5 }, // hull: colour only
      { begin: false, carIndex: 0, wheelIndex: -1, tileIndex: 6 },
      { begin: true, carIndex: 0, wheelIndex: 2, tileIndex: 4 },
      { begin: true, carIndex: 0, wheelIndex: 3, tileIndex: 4 }, // already visited
      { begin: false, carIndex: 0, wheelIndex: 2, tileIndex: 4 },
    ];
    applyTileContactEvents(events, {
      tileCount: 10,
      lapCompletePercent: 0.95,
      cars: [car],
      wheelTiles: (k, j) => sets[k][j],
    });
    expect(Array.from(car.tileInRoadColor)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
    expect(car.visitedCount).toBe(1);
    expect(car.reward).toBe(100);
    expect([...sets[0][2]]).toEqual([]);
    expect([...sets[0][3]]).toEqual([4]);
  });

  it('sets the lap flag when tile 0 is newly visited with more than lapCompletePercent visited', () => {
    const n = 20;
    const car = createCarTileState(n);
    const sets = wheelSets();
    const events: TileContactEvent[] = [];
    for (let i = 1; i < n; i++) events.push({ begin: true, carIndex: 0, wheelIndex: 0, tileIndex: i });
    applyTileContactEvents(events, {
      tileCount: n,
      lapCompletePercent: 0.9,
      cars: [car],
      wheelTiles: (k, j) => sets[k][j],
    });
    expect(car.newLap).toBe(false);
    applyTileContactEvents([{ begin: true, carIndex: 0, wheelIndex: 1, tileIndex: 0 }], {
      tileCount: n,
      lapCompletePercent: 0.9,
      cars: [car],
      wheelTiles: (k, j) => sets[k][j],
    });
    expect(car.newLap).toBe(true);
    expect(settleCarReward(car, n, true, false)).toMatchObject({ terminated: true, lapFinished: true });
  });

  it('keeps accumulate-and-difference step rewards', () => {
    const car = createCarTileState(319);
    car.reward = 2 * (1000.0 / 319);
    expect(settleCarReward(car, 319, true, false).stepReward).toBe(6.169592476489028);
    expect(settleCarReward(car, 319, true, false).stepReward).toBe(-0.09999999999999964);
  });
});

describe('Simulation against recorded Gymnasium episodes', () => {
  const ep = readEpisode('continuous_seed_00');
  const track = referenceTrack(ep);

  it('matches the recorded rewards of seed 0 with one car', () => {
    const sim = createSimulation({ track, spawns: [spawnOf(ep)] });
    expect(sim.reward(0)).toBe(ep.after_reset.reward_total);
    for (const st of ep.steps) {
      const [o] = sim.step([controlsFromAction(st.action)]);
      expect(o.stepReward, `seed 0 step ${st.i}`).toBe(st.reward);
      expect(sim.tilesVisited(0), `seed 0 step ${st.i}`).toBe(st.tile_visited_count);
    }
  });

  it('drives a car bit-identically whether or not another car is elsewhere on the track', () => {
    const alone = createSimulation({ track, spawns: [spawnOf(ep)] });
    const paired = createSimulation({ track, spawns: [spawnOf(ep), spawnOf(ep, 150)] });
    for (const st of ep.steps) {
      const a = alone.step([controlsFromAction(st.action)])[0];
      const b = paired.step([controlsFromAction(st.action), controlsFromAction(st.action)])[0];
      expect(b, `step ${st.i}`).toEqual(a);
    }
    expect(paired.carState(0)).toEqual(alone.carState(0));
    expect(paired.tilesVisited(1)).toBeGreaterThan(2);
  });

  it('is deterministic for many cars', () => {
    const spawns = Array.from({ length: 8 }, (_, k) =>
      spawnOf(ep, (319 - 5 * Math.floor(k / 2)) % 319, k % 2 ? 3 : -3),
    );
    const run = (): unknown[] => {
      const sim = createSimulation({ track, spawns });
      const out: unknown[] = [];
      for (const st of ep.steps.slice(0, 120)) out.push(sim.step(spawns.map(() => controlsFromAction(st.action))));
      for (let k = 0; k < spawns.length; k++) out.push(sim.carState(k), sim.tilesVisited(k));
      return out;
    };
    expect(run()).toEqual(run());
  });
});
