import { createRace, stepRace } from '../sim/race.ts';
import { createCarPose } from '../sim/simulation.ts';
import { BOT_TUNINGS, PurePursuitBot, type BotDifficulty } from './purePursuitBot.ts';

export interface BotLapResult {
  readonly seed: number;
  /** Ticks to complete the lap, or null when the bot did not complete it in time. */
  readonly lapTicks: number | null;
  /** 'finished', or the DNF reason ('leftField', 'timeLimit'). */
  readonly outcome: string;
}

/** Drives one bot alone for one lap of the seed's v3 track, within `limitTicks`. */
export function measureBotLaps(seed: number, difficulty: BotDifficulty, limitTicks: number): BotLapResult {
  const race = createRace({ seed, cars: [{ id: 'bot' }], laps: 1, timeLimitTicksPerLap: limitTicks });
  const bot = new PurePursuitBot(race.track.points, BOT_TUNINGS[difficulty]);
  const pose = createCarPose();
  while (!race.finished) {
    const [steer, gas, brake] = bot.act(race.sim.readCarPose(0, pose));
    stepRace(race, [{ steer, gas, brake }]);
  }
  const car = race.cars[0];
  return {
    seed,
    lapTicks: car.status === 'finished' ? car.progress.lapEndTicks[0] : null,
    outcome: car.status === 'finished' ? 'finished' : (car.dnfReason ?? 'dnf'),
  };
}
