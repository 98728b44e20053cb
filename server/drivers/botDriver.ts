import { BOT_TUNINGS, PurePursuitBot, type BotDifficulty } from '../../shared/bots/purePursuitBot.ts';
import type { CarAction, RaceState } from '../../shared/sim/race.ts';
import { createCarPose } from '../../shared/sim/simulation.ts';
import type { Driver } from './driver.ts';

/** A built-in pure-pursuit bot; sees only its own hull's pose and velocity. */
export class BotDriver implements Driver {
  readonly kind = 'bot';
  private bot: PurePursuitBot | null = null;
  /** The hull's pose, overwritten each tick (a CarPose is a BotCarView: the same values as botCarViewOf(carState)). */
  private readonly pose = createCarPose();

  constructor(readonly difficulty: BotDifficulty) {}

  act(race: RaceState, carIndex: number): CarAction {
    this.bot ??= new PurePursuitBot(race.track.points, BOT_TUNINGS[this.difficulty]);
    const [steer, gas, brake] = this.bot.act(race.sim.readCarPose(carIndex, this.pose));
    return { steer, gas, brake };
  }
}
