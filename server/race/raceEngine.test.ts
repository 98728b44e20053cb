import { describe, expect, it } from 'vitest';
import { computeStandings, livePositions } from '../../shared/sim/race.ts';
import { unpackSnapshot } from '../../shared/protocol/snapshotCodec.ts';
import { BotDriver } from '../drivers/botDriver.ts';
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
