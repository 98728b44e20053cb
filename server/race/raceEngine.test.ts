import { describe, expect, it } from 'vitest';
import { computeStandings, livePositions } from '../../shared/sim/race.ts';
import { unpackSnapshot } from '../../shared/protocol/snapshotCodec.ts';
import { BotDriver } from '../drivers/botDriver.ts';
import { HumanDriver } from '../drivers/humanDriver.ts';
import { ActionLog } from './actionLog.ts';
import { ManualTime } from './clock.ts';
import { RaceEngine } from './raceEngine.ts';
import type { RaceSpec } from './raceSpec.ts';

const DIFFICULTIES = ['hard', 'medium', 'easy', 'hard', 'medium', 'easy'] as const;

describe('RaceEngine snapshots', () => {
  it('carry the live positions of computeStandings every tick (finishes, DNFs, retirements included)', () => {
    const spec: RaceSpec = {
      raceId: 'r',
      seed: 3,
      laps: 1,
      timeLimitTicksPerLap: 900,
      cars: DIFFICULTIES.map((difficulty, k) => ({
        id: `car${k}`,
        name: `Bot ${k}`,
        driver: { kind: 'bot', difficulty },
      })),
    };
    const engine = new RaceEngine(
      spec,
      DIFFICULTIES.map((d) => new BotDriver(d)),
      new ManualTime(),
    );
    const positions = new Uint8Array(DIFFICULTIES.length);
    const seen = new Set<string>();
    while (!engine.finished) {
      if (engine.race.tick === 200) engine.retire(4, 'disconnected');
      const t = engine.step();
      livePositions(engine.race, positions);
      const expected = new Array<number>(DIFFICULTIES.length);
      for (const s of computeStandings(engine.race)) expected[s.carIndex] = s.position;
      expect([...positions], `tick ${t.tick}`).toEqual(expected);
      if (t.snapshot !== null) expect(unpackSnapshot(t.snapshot).cars.map((c) => c.position)).toEqual(expected);
      for (const c of engine.race.cars) seen.add(c.status);
    }
    expect([...seen].sort()).toEqual(['dnf', 'finished', 'racing']);
  });
});

describe('ActionLog', () => {
  it('gives back exactly what was pushed, nulls and signed zeros included, across growth', () => {
    const log = new ActionLog(3, 2);
    const rows = Array.from({ length: 9 }, (_, t) => [
      { steer: -0 + t * 0.1, gas: 1 / 3, brake: 0 },
      null,
      t % 2 === 0 ? { steer: -0, gas: Math.PI * t, brake: 1e-300 } : null,
    ]);
    for (const r of rows) log.push(r);
    expect(log.length).toBe(9);
    const back = log.toArray();
    expect(back).toEqual(rows.map((r) => r.map((a) => (a === null ? null : [a.steer, a.gas, a.brake]))));
    expect(Object.is(back[0][2]![0], -0)).toBe(true);
  });
});

describe('RaceEngine results', () => {
  const spec = (timeLimitTicksPerLap: number): RaceSpec => ({
    raceId: 'r',
    seed: 3,
    laps: 1,
    timeLimitTicksPerLap,
    cars: [
      { id: 'car0', name: 'Bot', driver: { kind: 'bot', difficulty: 'hard' } },
      { id: 'car1', name: 'Human', driver: { kind: 'human', userId: 'u1' } },
    ],
  });
  const run = (limit: number, humanLeaves: boolean) => {
    const engine = new RaceEngine(spec(limit), [new BotDriver('hard'), new HumanDriver()], new ManualTime());
    if (humanLeaves) engine.retire(1, 'disconnected');
    while (!engine.finished) engine.step();
    return engine.results(false);
  };

  it('a race every human walked away from, with nobody finishing, is abandoned (unrated)', () => {
    expect(run(60, true)).toMatchObject({ rated: false, unratedReason: 'abandoned' });
    // Someone finished: the race decided something, and the human who left is a DNF.
    expect(run(900, true)).toMatchObject({ rated: true, unratedReason: null });
    // The human stayed (and timed out with the bot): rated.
    expect(run(60, false)).toMatchObject({ rated: true, unratedReason: null });
  });

  it('results say who drove each car', () => {
    const r = run(60, false);
    expect(r.cars.find((c) => c.carIndex === 1)).toMatchObject({
      kind: 'human',
      userId: 'u1',
      agentId: null,
      botDifficulty: null,
    });
    expect(r.cars.find((c) => c.carIndex === 0)).toMatchObject({ kind: 'bot', botDifficulty: 'hard', userId: null });
  });
});
