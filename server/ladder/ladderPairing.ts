/**
 * Who races next on the ladder (pure): agents with fewer than PROVISIONAL_RACES races first, the
 * least-raced first; then a pivot chosen at random and the agents rated closest to it. The
 * built-in bots take the remaining seats as anchors (at least one per race), so every race has a
 * fixed reference point and a field of 4 to 8 cars.
 */
import { BOT_DIFFICULTIES, type BotDifficulty } from '../../shared/bots/purePursuitBot.ts';

/** Races after which an agent's rating counts as settled enough to pair by rating. */
export const PROVISIONAL_RACES = 10;
export const MIN_LADDER_CARS = 4;
export const MAX_LADDER_CARS = 8;

export interface LadderCandidate {
  readonly agentId: string;
  /** mu − 3σ (0 for an unrated agent: mu 25, σ 25/3). */
  readonly ordinal: number;
  readonly races: number;
}

export interface LadderLineup {
  readonly agents: string[];
  readonly bots: BotDifficulty[];
}

/** `random()` in [0, 1). */
export type RandomSource = () => number;

export function pickLadderLineup(
  candidates: readonly LadderCandidate[],
  busy: ReadonlySet<string>,
  random: RandomSource,
  maxAgents = MAX_LADDER_CARS - 1,
): LadderLineup | null {
  const free = candidates.filter((c) => !busy.has(c.agentId));
  if (free.length === 0) return null;
  const take = Math.min(maxAgents, free.length);
  const provisional = free.filter((c) => c.races < PROVISIONAL_RACES).sort((a, b) => a.races - b.races);
  let chosen: LadderCandidate[];
  if (provisional.length > 0) {
    // New agents first; the field is completed by the agents rated closest to the newest one.
    const first = provisional.slice(0, take);
    const rest = free.filter((c) => !first.includes(c));
    chosen = [...first, ...closestTo(first[0].ordinal, rest, take - first.length)];
  } else {
    const pivot = free[Math.floor(random() * free.length)];
    chosen = [
      pivot,
      ...closestTo(
        pivot.ordinal,
        free.filter((c) => c !== pivot),
        take - 1,
      ),
    ];
  }
  const botCount = Math.max(1, MIN_LADDER_CARS - chosen.length);
  const bots = Array.from({ length: Math.min(botCount, MAX_LADDER_CARS - chosen.length) }, (_, i) =>
    i === 0 ? 'hard' : BOT_DIFFICULTIES[Math.floor(random() * BOT_DIFFICULTIES.length)],
  );
  return { agents: chosen.map((c) => c.agentId), bots };
}

function closestTo(ordinal: number, pool: readonly LadderCandidate[], count: number): LadderCandidate[] {
  return [...pool]
    .sort((a, b) => Math.abs(a.ordinal - ordinal) - Math.abs(b.ordinal - ordinal))
    .slice(0, Math.max(0, count));
}
