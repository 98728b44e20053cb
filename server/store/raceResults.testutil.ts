/**
 * Test and bench helper: real RaceResults from a short race of bots run with RaceEngine, and
 * copies of them under other ids and identities (agents, humans, guests).
 */
import type { CarResult, RaceResults } from '../../shared/protocol/events.ts';
import { BotDriver } from '../drivers/botDriver.ts';
import { ManualTime } from '../race/clock.ts';
import { RaceEngine } from '../race/raceEngine.ts';
import type { RaceSpec } from '../race/raceSpec.ts';

export type Difficulty = 'easy' | 'medium' | 'hard';

/** Runs a `laps`-lap race of bots to its end (optionally retiring a car at a tick). */
export function runBotRace(options: {
  raceId: string;
  seed: number;
  difficulties: readonly Difficulty[];
  laps?: number;
  timeLimitTicksPerLap?: number;
  retire?: { tick: number; carIndex: number };
}): RaceResults {
  const spec: RaceSpec = {
    raceId: options.raceId,
    seed: options.seed,
    laps: options.laps ?? 1,
    timeLimitTicksPerLap: options.timeLimitTicksPerLap ?? 900,
    cars: options.difficulties.map((difficulty, k) => ({
      id: `car${k}`,
      name: `Bot ${k}`,
      driver: { kind: 'bot', difficulty },
    })),
  };
  const engine = new RaceEngine(
    spec,
    options.difficulties.map((d) => new BotDriver(d)),
    new ManualTime(),
  );
  while (!engine.finished) {
    if (options.retire !== undefined && engine.race.tick === options.retire.tick)
      engine.retire(options.retire.carIndex, 'disconnected');
    engine.step();
  }
  return engine.results(false);
}

/** Who drives car k in a relabelled copy. */
export type Identity =
  | { kind: 'bot'; difficulty: Difficulty }
  | { kind: 'agent'; agentId: string; name?: string }
  | { kind: 'human'; userId: string | null; name?: string };

/** `results` under another race id, with the drivers of some cars replaced (by car index). */
export function relabel(
  results: RaceResults,
  raceId: string,
  identities: Partial<Record<number, Identity>> = {},
  extra: Partial<RaceResults> = {},
): RaceResults {
  const cars = results.cars.map((c): CarResult => {
    const who = identities[c.carIndex];
    if (who === undefined) return c;
    switch (who.kind) {
      case 'bot':
        return { ...c, kind: 'bot', agentId: null, userId: null, botDifficulty: who.difficulty };
      case 'agent':
        return {
          ...c,
          kind: 'agent',
          name: who.name ?? c.name,
          agentId: who.agentId,
          userId: null,
          botDifficulty: null,
        };
      case 'human':
        return {
          ...c,
          kind: 'human',
          name: who.name ?? c.name,
          agentId: null,
          userId: who.userId,
          botDifficulty: null,
        };
    }
  });
  return { ...results, raceId, cars, ...extra };
}
