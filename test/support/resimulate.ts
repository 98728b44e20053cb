import type { RaceResults } from '../../shared/protocol/events.ts';
import { createRace, retireCar, stepRace, type RaceState } from '../../shared/sim/race.ts';

/**
 * Re-runs a race from its results with shared/ alone: the seed, the config, then per tick the
 * retirements at that tick and the logged actions. `onTick(race, t)` sees the state after t
 * ticks, before tick t + 1 is stepped (what the drivers of tick t + 1 saw), and may be async.
 */
export async function resimulate(
  results: RaceResults,
  onTick?: (race: RaceState, t: number) => void | Promise<void>,
): Promise<RaceState> {
  const race = createRace({ seed: results.seed, ...results.config });
  for (let t = 0; t < results.actionLog.length; t++) {
    for (const r of results.retirements) if (r.tick === t) retireCar(race, r.carIndex, r.reason);
    await onTick?.(race, t);
    const actions = results.actionLog[t].map((a) => (a === null ? null : { steer: a[0], gas: a[1], brake: a[2] }));
    stepRace(race, actions);
  }
  return race;
}
