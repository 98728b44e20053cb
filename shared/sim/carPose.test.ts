import { describe, expect, it } from 'vitest';
import { createRace, stepRace } from './race.ts';
import { createCarPose } from './simulation.ts';

describe('Simulation.readCarPose / hullX / hullY', () => {
  it('report exactly what carState reports, tick after tick', () => {
    const race = createRace({ seed: 11, cars: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], laps: 1 });
    const pose = createCarPose();
    for (let t = 0; t < 120; t++) {
      stepRace(race, [
        { steer: Math.sin(t / 7), gas: 0.8, brake: 0 },
        { steer: -0.3, gas: 1, brake: t % 20 === 0 ? 0.5 : 0 },
        null,
      ]);
      for (let k = 0; k < 3; k++) {
        const s = race.sim.carState(k);
        expect(race.sim.readCarPose(k, pose)).toEqual({
          x: s.hullPosition[0],
          y: s.hullPosition[1],
          angle: s.hullAngle,
          vx: s.hullLinearVelocity[0],
          vy: s.hullLinearVelocity[1],
          steerJointAngle: s.wheels[0].jointAngle,
        });
        expect([race.sim.hullX(k), race.sim.hullY(k)]).toEqual(s.hullPosition);
      }
    }
  });
});
