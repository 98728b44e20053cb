import { describe, expect, it } from 'vitest';
import type { LoggedAction, RaceResults } from '../../../shared/protocol/events.ts';
import { computeStandings, createRace, stepRace } from '../../../shared/sim/race.ts';
import { resimulate } from '../../../test/support/resimulate.ts';
import { ReplayPlayer, type ReplayData } from './replayPlayer.ts';

/** A short race with made-up actions (three cars; the third lets go of the controls at tick 40). */
function recordRace(): ReplayData {
  const config = { laps: 1, timeLimitTicksPerLap: 150, cars: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] };
  const race = createRace({ seed: 3, ...config });
  const actionLog: LoggedAction[][] = [];
  while (!race.finished) {
    const t = race.tick;
    const actions: LoggedAction[] = race.cars.map((car, k) =>
      car.status === 'racing' && !(k === 2 && t >= 40) ? [Math.sin(t / (10 + k)), 0.6 + 0.1 * k, 0] : null,
    );
    actionLog.push(actions);
    stepRace(
      race,
      actions.map((a) => (a === null ? null : { steer: a[0], gas: a[1], brake: a[2] })),
    );
  }
  return { raceId: 'r', seed: 3, config, actionLog, retirements: [] };
}

describe('ReplayPlayer', () => {
  it('re-simulates exactly as test/support/resimulate does, and records every tick', async () => {
    const replay = recordRace();
    const player = new ReplayPlayer(replay);
    while (!player.done) player.simulate(50);
    const reference = await resimulate({
      ...replay,
      config: { trackStyle: 'v3', grid: 'seeded', ...replay.config },
    } as unknown as RaceResults);
    expect(player.finalOrder()).toEqual(computeStandings(reference).map((s) => s.carIndex));
    expect(player.simulatedTick).toBe(replay.actionLog.length);
    const out = { x: 0, y: 0, angle: 0, steerRad: 0 };
    for (let k = 0; k < 3; k++) {
      player.sample(player.totalTicks, k, out);
      expect(out.x).toBeCloseTo(reference.sim.hullX(k), 4);
      expect(out.y).toBeCloseTo(reference.sim.hullY(k), 4);
    }
  });

  it('interpolates between recorded ticks and seeks back without re-simulating', () => {
    const player = new ReplayPlayer(recordRace());
    player.simulate(1000, 60);
    expect(player.simulatedTick).toBeGreaterThanOrEqual(60);
    const a = { x: 0, y: 0, angle: 0, steerRad: 0 };
    const b = { ...a };
    const mid = { ...a };
    player.sample(30, 0, a);
    player.sample(31, 0, b);
    player.sample(30.5, 0, mid);
    expect(mid.x).toBeCloseTo((a.x + b.x) / 2, 5);
    expect(player.carAt(10, 0).status).toBe('racing');
    const reached = player.tickReaching(0, player.carAt(50, 0).distance, 60);
    expect(reached).not.toBeNull();
    expect(reached!).toBeLessThanOrEqual(50);
  });
});
