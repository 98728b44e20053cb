/**
 * Runs a few ticks of a throwaway race, with observations, when a race thread starts: V8 compiles
 * the physics and rendering code on first use, and on a fresh thread the first real race's first
 * ticks would otherwise take ~65 ms each, enough to look like the server falling behind (and mark
 * the race unrated).
 */
import { buildRaceObservationScene } from '../../shared/env/raceObservation.ts';
import { renderObservation } from '../../shared/render/renderObservation.ts';
import { createRace, stepRace } from '../../shared/sim/race.ts';

const WARM_UP_TICKS = 60;

export function warmUpRaceCode(): void {
  const race = createRace({
    seed: 1,
    cars: [
      { id: 'a', name: 'a' },
      { id: 'b', name: 'b' },
    ],
  });
  for (let t = 0; t < WARM_UP_TICKS; t++) {
    stepRace(race, [
      { steer: Math.sin(t / 7), gas: 0.8, brake: 0 },
      { steer: -Math.sin(t / 9), gas: 0.6, brake: t % 20 === 0 ? 0.5 : 0 },
    ]);
    if (t % 10 === 0) {
      renderObservation(buildRaceObservationScene(race, 0), 'v3');
      renderObservation(buildRaceObservationScene(race, 1), 'v0');
    }
  }
}
