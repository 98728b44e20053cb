/**
 * `npm run bench:bots`: how often each built-in bot completes one lap alone within 1000 ticks
 * (CarRacing's time limit) on 100 random seeds, and its median lap time.
 *
 * Target (issue 3): `hard` completes a lap on >= 95 of 100 random seeds.
 */
import { measureBotLaps } from '../shared/bots/botLaps.ts';
import { BOT_DIFFICULTIES } from '../shared/bots/purePursuitBot.ts';
import { Pcg64Generator } from '../shared/sim/rng/pcg64.ts';

const SEED_COUNT = Number(process.argv[2] ?? 100);
const rng = Pcg64Generator.fromSeed(20260911);
const seeds = Array.from({ length: SEED_COUNT }, () => Math.floor(rng.random() * 2 ** 31));

for (const difficulty of BOT_DIFFICULTIES) {
  const t0 = performance.now();
  const laps = seeds.map((seed) => measureBotLaps(seed, difficulty, 1000));
  const done = laps.filter((r) => r.lapTicks !== null);
  const times = done.map((r) => r.lapTicks!).sort((a, b) => a - b);
  const median = times.length > 0 ? times[Math.floor(times.length / 2)] : NaN;
  const failed = laps.filter((r) => r.lapTicks === null).map((r) => `${r.seed}:${r.outcome}`);
  console.log(
    `${difficulty.padEnd(6)} lap within 1000 ticks on ${done.length}/${SEED_COUNT} seeds, median lap ${median} ticks` +
      ` (${((performance.now() - t0) / 1000).toFixed(1)} s)${failed.length > 0 ? `; missed e.g. ${failed.slice(0, 5).join(' ')}` : ''}`,
  );
}
