/**
 * `npm run bench:sim`: speed of the CarRacing port on one core, next to Gymnasium's own figures
 * measured on this kind of machine (../shared/ref/data/speed.json).
 *
 * Targets (issue 2): >= 3,000 single-car steps/s with the observation; >= 400 ticks/s for an
 * 8-car race with all 8 observations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BOT_TUNINGS, botCarViewOf, PurePursuitBot } from '../shared/bots/purePursuitBot.ts';
import { createCarRacingEnv } from '../shared/env/carRacingEnv.ts';
import { buildRaceObservationScene } from '../shared/env/raceObservation.ts';
import { renderObservation } from '../shared/render/renderObservation.ts';
import { createRace, stepRace, type CarAction } from '../shared/sim/race.ts';
import { percentile } from '../shared/numeric/percentile.ts';
import { Pcg64Generator } from '../shared/sim/rng/pcg64.ts';

const GYMNASIUM_SPEED_FILE = resolve(import.meta.dirname, '../../shared/ref/data/speed.json');

const median = (xs: number[]): number => percentile(xs, 50);

interface SingleCarRun {
  stepsPerSecond: number;
  /** Of each step, microseconds spent drawing the observation (0 without it). */
  renderMicros: number;
}

/** Steps/s of the single-car env under uniformly random actions, episodes restarted as they end. */
function singleCarRun(render: boolean, steps: number): SingleCarRun {
  let renderMs = 0;
  const env = createCarRacingEnv({
    render,
    renderer: (scene, style, out, options) => {
      const t = performance.now();
      const obs = renderObservation(scene, style, out, options);
      renderMs += performance.now() - t;
      return obs;
    },
  });
  const rng = Pcg64Generator.fromSeed(123);
  let seed = 0;
  env.reset({ seed: seed++ });
  renderMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const r = env.step([rng.uniform(-1, 1), rng.uniform(0, 1), rng.uniform(0, 1)]);
    if (r.terminated || r.truncated) env.reset({ seed: seed++ });
  }
  const ms = performance.now() - t0;
  return { stepsPerSecond: steps / (ms / 1000), renderMicros: (1000 * renderMs) / steps };
}

interface RaceRun {
  ticksPerSecond: number;
  observationsPerSecond: number;
  /** Microseconds per tick spent in the bots, the physics + race step, and the 8 observations. */
  split: { bots: number; step: number; observations: number };
}

/** Ticks/s of an 8-car race (pure-pursuit bots driving) rendering all 8 observations per tick. */
function raceRun(ticks: number): RaceRun {
  const race = createRace({
    seed: 3,
    cars: Array.from({ length: 8 }, (_, k) => ({ id: `car${k}` })),
    timeLimitTicksPerLap: 100000,
  });
  const bots = race.cars.map(() => new PurePursuitBot(race.track.points, BOT_TUNINGS.medium));
  const buffers = race.cars.map(() => new Uint8Array(96 * 96 * 3));
  const t0 = performance.now();
  let observations = 0;
  let botsMs = 0;
  let stepMs = 0;
  for (let t = 0; t < ticks && !race.finished; t++) {
    const tBots = performance.now();
    const actions: CarAction[] = race.cars.map((_car, k) => {
      const [steer, gas, brake] = bots[k].act(botCarViewOf(race.sim.carState(k)));
      return { steer, gas, brake };
    });
    const tStep = performance.now();
    stepRace(race, actions);
    const tObs = performance.now();
    botsMs += tStep - tBots;
    stepMs += tObs - tStep;
    for (const car of race.cars) {
      if (car.status !== 'racing') continue;
      renderObservation(buildRaceObservationScene(race, car.index), 'v3', buffers[car.index]);
      observations++;
    }
  }
  const ms = performance.now() - t0;
  const perTick = (x: number): number => (1000 * x) / race.tick;
  return {
    ticksPerSecond: race.tick / (ms / 1000),
    observationsPerSecond: observations / (ms / 1000),
    split: { bots: perTick(botsMs), step: perTick(stepMs), observations: perTick(ms - botsMs - stepMs) },
  };
}

function resetMilliseconds(seeds: number): number[] {
  const env = createCarRacingEnv();
  env.reset({ seed: 1000 }); // warm-up
  const times: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const t0 = performance.now();
    env.reset({ seed: s });
    times.push(performance.now() - t0);
  }
  return times;
}

function main(): void {
  const gym = existsSync(GYMNASIUM_SPEED_FILE)
    ? (JSON.parse(readFileSync(GYMNASIUM_SPEED_FILE, 'utf8')) as {
        steps_per_s_median: number;
        reset: { median_ms: number };
        components: { physics_ms_per_step: number };
      })
    : null;
  // Warm the JIT before measuring.
  singleCarRun(true, 2000);
  singleCarRun(false, 2000);

  const withObsRuns = [0, 1, 2].map(() => singleCarRun(true, 6000));
  const withObsRun = [...withObsRuns].sort((a, b) => a.stepsPerSecond - b.stepsPerSecond)[1];
  const withObs = withObsRun.stepsPerSecond;
  const withoutObs = median([0, 1, 2].map(() => singleCarRun(false, 10000).stepsPerSecond));
  raceRun(200);
  const race = raceRun(2000);
  const resets = resetMilliseconds(30);

  const rows: [string, string, string][] = [
    [
      'single car, with 96x96 observation',
      `${withObs.toFixed(0)} steps/s`,
      gym ? `${gym.steps_per_s_median.toFixed(0)} steps/s` : 'n/a',
    ],
    [
      'single car, physics only',
      `${withoutObs.toFixed(0)} steps/s`,
      gym ? `${(1000 / gym.components.physics_ms_per_step).toFixed(0)} steps/s (physics alone)` : 'n/a',
    ],
    [
      '8-car race tick, 8 observations',
      `${race.ticksPerSecond.toFixed(0)} ticks/s (${race.observationsPerSecond.toFixed(0)} obs/s)`,
      '-',
    ],
    [
      'reset (track + world + first frame)',
      `median ${median(resets).toFixed(2)} ms, max ${Math.max(...resets).toFixed(2)} ms`,
      gym ? `median ${gym.reset.median_ms.toFixed(1)} ms` : 'n/a',
    ],
  ];
  console.log(`CarRacing port speed on one core (node ${process.version})`);
  console.log(['measure', 'this port', 'Gymnasium CarRacing-v3'].join(' | '));
  for (const r of rows) console.log(r.join(' | '));
  if (gym) console.log(`speed-up with observation: ${(withObs / gym.steps_per_s_median).toFixed(1)}x Gymnasium`);
  // Where a step's time goes, and what the observation may cost for the targets to be met.
  const stepMicros = 1e6 / withObs;
  const restMicros = stepMicros - withObsRun.renderMicros;
  console.log(
    `single car, per step: ${stepMicros.toFixed(0)} us = observation ${withObsRun.renderMicros.toFixed(0)} us + physics and env ${restMicros.toFixed(0)} us; ` +
      `3000 steps/s leaves the observation ${(1e6 / 3000 - restMicros).toFixed(0)} us`,
  );
  const { bots, step, observations } = race.split;
  console.log(
    `8-car tick: ${(1e6 / race.ticksPerSecond).toFixed(0)} us = bots ${bots.toFixed(0)} us + physics and race ${step.toFixed(0)} us + 8 observations ${observations.toFixed(0)} us; ` +
      `400 ticks/s leaves each observation ${((1e6 / 400 - bots - step) / 8).toFixed(0)} us`,
  );
  console.log(
    `targets: >= 3000 steps/s with observation: ${withObs >= 3000 ? 'met' : 'NOT met'}; >= 400 8-car ticks/s: ${race.ticksPerSecond >= 400 ? 'met' : 'NOT met'}`,
  );
}

main();
