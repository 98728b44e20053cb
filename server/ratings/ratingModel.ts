/**
 * Skill ratings from a finished race, as pure functions: openskill's Plackett-Luce model (Weng-Lin)
 * over the finish order, every car its own team.
 *
 * - Who is rated: agent versions (`agent`, the agent id), logged-in humans (`human`, the user id)
 *   and the built-in bots (`bot`, `bot-<difficulty>`: anchors of the scale). Guests (humans
 *   without an account) are left out of the computation altogether, as if they had not raced.
 * - The order: finished cars by position; every car that did not finish (DNF, still racing)
 *   shares the last place.
 * - mu 25, sigma 25/3, the board's order is the ordinal mu − 3σ.
 * - Drift: agents and bots are frozen programs, so no sigma inflation (tau 0); humans change
 *   over time, so their sigma grows by HUMAN_TAU before each race.
 * - A subject with several cars in one race (two `hard` bots, the same agent twice) counts once:
 *   each of its cars is rated as its own team against the field, and the subject's new rating is
 *   the mean of those cars' new ratings.
 */
import { rate, type Rating as OpenSkillRating } from 'openskill';
import type { CarResult, RaceResults } from '../../shared/protocol/events.ts';
import type { Board, SubjectKind } from '../../shared/protocol/httpApi.ts';

export type { Board, SubjectKind } from '../../shared/protocol/httpApi.ts';

export interface RatingSubject {
  readonly kind: SubjectKind;
  readonly id: string;
  /** Shown on the board. */
  readonly name: string;
}

export interface SkillRating {
  readonly mu: number;
  readonly sigma: number;
}

export interface RatedSkill extends SkillRating {
  readonly ordinal: number;
}

export const DEFAULT_MU = 25;
export const DEFAULT_SIGMA = 25 / 3;
/** Sigma added (in quadrature) to a human's rating before each rated race. */
export const HUMAN_TAU = 25 / 300;
/** The board's conservative estimate: mu − Z·sigma. */
export const ORDINAL_Z = 3;

export const DEFAULT_RATING: SkillRating = { mu: DEFAULT_MU, sigma: DEFAULT_SIGMA };

export function ordinalOf(r: SkillRating): number {
  return r.mu - ORDINAL_Z * r.sigma;
}

export function tauOf(kind: SubjectKind): number {
  return kind === 'human' ? HUMAN_TAU : 0;
}

/** `kind:id`, unique per subject. */
export function subjectKey(s: { readonly kind: SubjectKind; readonly id: string }): string {
  return `${s.kind}:${s.id}`;
}

/** Who a car's rating belongs to; null for guests (and any car without an identity). */
export function subjectOfCar(car: CarResult): RatingSubject | null {
  switch (car.kind) {
    case 'agent':
      return car.agentId === null ? null : { kind: 'agent', id: car.agentId, name: car.name };
    case 'human':
      return car.userId === null ? null : { kind: 'human', id: car.userId, name: car.name };
    case 'bot':
      return car.botDifficulty === null
        ? null
        : { kind: 'bot', id: `bot-${car.botDifficulty}`, name: `Bot (${car.botDifficulty})` };
  }
}

/** A rated car: its subject and its place (1 = first; non-finishers share the last place). */
export interface RatedCar {
  readonly carIndex: number;
  readonly subject: RatingSubject;
  readonly rank: number;
}

/**
 * The cars that take part in the rating, in final position order: guests left out, finishers
 * ranked by position among the rated cars, every non-finisher tied after the last finisher.
 */
export function ratedCars(cars: readonly CarResult[]): RatedCar[] {
  const sorted = [...cars].sort((a, b) => a.position - b.position);
  const out: RatedCar[] = [];
  let finished = 0;
  for (const car of sorted) {
    const subject = subjectOfCar(car);
    if (subject === null) continue;
    if (car.status === 'finished') out.push({ carIndex: car.carIndex, subject, rank: ++finished });
    else out.push({ carIndex: car.carIndex, subject, rank: Number.POSITIVE_INFINITY });
  }
  const last = finished + 1;
  return out.map((c) => (c.rank === Number.POSITIVE_INFINITY ? { ...c, rank: last } : c));
}

export interface RatingUpdate {
  readonly subject: RatingSubject;
  readonly before: RatedSkill;
  readonly after: RatedSkill;
}

/** Why a race changes no rating (null: it does). */
export type UnratedReason = NonNullable<RaceResults['unratedReason']> | 'noRatedDrivers';

/** Whether a race's results may change ratings, and the rated cars when they do. */
export function ratingPlan(results: RaceResults): { cars: RatedCar[]; unratedReason: UnratedReason | null } {
  if (!results.rated || results.aborted) return { cars: [], unratedReason: results.unratedReason ?? 'aborted' };
  const cars = ratedCars(results.cars);
  if (new Set(cars.map((c) => subjectKey(c.subject))).size < 2) return { cars: [], unratedReason: 'noRatedDrivers' };
  return { cars, unratedReason: null };
}

function rated(r: SkillRating): RatedSkill {
  return { mu: r.mu, sigma: r.sigma, ordinal: ordinalOf(r) };
}

/**
 * New ratings of the subjects of `cars` (one update per subject, in first-appearance order).
 * `priorOf` gives a subject's current rating, or undefined for a newcomer (DEFAULT_RATING).
 * Fewer than two distinct subjects: nothing to compare, no update.
 */
export function computeRatingUpdates(
  cars: readonly RatedCar[],
  priorOf: (subject: RatingSubject) => SkillRating | undefined,
): RatingUpdate[] {
  const subjects = new Map<string, { subject: RatingSubject; before: SkillRating; after: OpenSkillRating[] }>();
  for (const car of cars) {
    const key = subjectKey(car.subject);
    if (!subjects.has(key))
      subjects.set(key, { subject: car.subject, before: priorOf(car.subject) ?? DEFAULT_RATING, after: [] });
  }
  if (subjects.size < 2) return [];
  const teams = cars.map((car) => {
    const { subject, before } = subjects.get(subjectKey(car.subject))!;
    const tau = tauOf(subject.kind);
    // Drift applied here per subject kind (openskill's own tau is global, so it is set to 0).
    return [{ mu: before.mu, sigma: Math.sqrt(before.sigma * before.sigma + tau * tau) }];
  });
  const result = rate(teams, { rank: cars.map((c) => c.rank), tau: 0 });
  cars.forEach((car, i) => subjects.get(subjectKey(car.subject))!.after.push(result[i][0]));
  return [...subjects.values()].map(({ subject, before, after }) => {
    const mu = after.reduce((s, r) => s + r.mu, 0) / after.length;
    const sigma = after.reduce((s, r) => s + r.sigma, 0) / after.length;
    return { subject, before: rated(before), after: rated({ mu, sigma }) };
  });
}

/** Boards whose order a set of updates may change. */
export function boardsChangedBy(updates: readonly RatingUpdate[]): Board[] {
  if (updates.length === 0) return [];
  const boards: Board[] = [];
  if (updates.some((u) => u.subject.kind === 'agent')) boards.push('agents');
  if (updates.some((u) => u.subject.kind === 'human')) boards.push('humans');
  boards.push('all');
  return boards;
}
