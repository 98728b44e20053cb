import { describe, expect, it } from 'vitest';
import type { CarResult, RaceResults } from '../../shared/protocol/events.ts';
import {
  boardsChangedBy,
  computeRatingUpdates,
  DEFAULT_MU,
  DEFAULT_SIGMA,
  HUMAN_TAU,
  ordinalOf,
  ratedCars,
  ratingPlan,
  subjectKey,
  type SkillRating,
} from './ratingModel.ts';

type CarSpec = Pick<CarResult, 'kind'> & Partial<CarResult>;

/** Cars in final position order (position = index + 1). */
function cars(specs: readonly CarSpec[]): CarResult[] {
  return specs.map((s, i) => ({
    carIndex: i,
    id: `car${i}`,
    name: `Car ${i}`,
    position: i + 1,
    status: 'finished',
    dnfReason: null,
    endTick: 1000 + i,
    lapTicks: [1000 + i],
    bestLapTicks: 1000 + i,
    totalReward: 900 - i,
    agentId: s.kind === 'agent' ? `agent-${i}` : null,
    userId: null,
    botDifficulty: s.kind === 'bot' ? 'medium' : null,
    ...s,
  }));
}

function results(carList: CarResult[], extra: Partial<RaceResults> = {}): RaceResults {
  return {
    raceId: 'r1',
    seed: 1,
    aborted: false,
    rated: true,
    unratedReason: null,
    ladder: false,
    startedAt: null,
    config: { laps: 1, timeLimitTicksPerLap: 900, trackStyle: 'v3', grid: 'seeded', cars: [] },
    ticks: 2000,
    finishOrder: carList.filter((c) => c.status === 'finished').map((c) => c.carIndex),
    cars: carList,
    actionLog: [],
    retirements: [],
    ...extra,
  };
}

const fresh = (): SkillRating | undefined => undefined;

describe('rating model', () => {
  it('moves ratings in the direction of a scripted finish order', () => {
    const field = cars([{ kind: 'agent' }, { kind: 'agent' }, { kind: 'agent' }, { kind: 'agent' }]);
    const updates = computeRatingUpdates(ratedCars(field), fresh);
    expect(updates.map((u) => u.subject.id)).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-3']);
    const mus = updates.map((u) => u.after.mu);
    expect(mus[0]).toBeGreaterThan(DEFAULT_MU);
    expect(mus[3]).toBeLessThan(DEFAULT_MU);
    for (let i = 1; i < mus.length; i++) expect(mus[i]).toBeLessThan(mus[i - 1]);
    for (const u of updates) {
      expect(u.before).toEqual({ mu: DEFAULT_MU, sigma: DEFAULT_SIGMA, ordinal: DEFAULT_MU - 3 * DEFAULT_SIGMA });
      expect(u.after.sigma).toBeLessThan(DEFAULT_SIGMA);
      expect(u.after.ordinal).toBeCloseTo(u.after.mu - 3 * u.after.sigma, 12);
    }
  });

  it('ties all non-finishers for last place', () => {
    const field = cars([
      { kind: 'agent' },
      { kind: 'agent' },
      { kind: 'agent', status: 'dnf', dnfReason: 'leftField', endTick: 300, lapTicks: [], bestLapTicks: null },
      { kind: 'agent', status: 'dnf', dnfReason: 'timeLimit', endTick: 900, lapTicks: [], bestLapTicks: null },
    ]);
    expect(ratedCars(field).map((c) => c.rank)).toEqual([1, 2, 3, 3]);
    const updates = computeRatingUpdates(ratedCars(field), fresh);
    expect(updates[2].after.mu).toBeCloseTo(updates[3].after.mu, 12);
    expect(updates[2].after.sigma).toBeCloseTo(updates[3].after.sigma, 12);
    expect(updates[2].after.mu).toBeLessThan(updates[1].after.mu);
    expect(updates[2].after.mu).toBeLessThan(DEFAULT_MU);
  });

  it('leaves guests out of the computation and rates bots as bot-<difficulty>', () => {
    const field = cars([
      { kind: 'human', userId: null },
      { kind: 'human', userId: 'user-1', name: 'Alice' },
      { kind: 'bot', botDifficulty: 'hard' },
      { kind: 'agent', agentId: 'a1' },
    ]);
    const rc = ratedCars(field);
    expect(rc.map((c) => subjectKey(c.subject))).toEqual(['human:user-1', 'bot:bot-hard', 'agent:a1']);
    expect(rc.map((c) => c.rank)).toEqual([1, 2, 3]);
    // The same as the race without the guest.
    const withoutGuest = computeRatingUpdates(rc, fresh);
    const alone = computeRatingUpdates(ratedCars(field.slice(1)), fresh);
    expect(withoutGuest).toEqual(alone);
  });

  it('gives humans drift (tau) and agents and bots none', () => {
    const prior: SkillRating = { mu: 30, sigma: 2 };
    const field = cars([
      { kind: 'human', userId: 'u' },
      { kind: 'agent', agentId: 'a' },
      { kind: 'bot', botDifficulty: 'easy' },
    ]);
    // Tied race: the mean barely moves; sigma after = f(sigma before, with drift for humans).
    const tied = ratedCars(field).map((c) => ({ ...c, rank: 1 }));
    const updates = computeRatingUpdates(tied, () => prior);
    const [human, agent, bot] = updates;
    expect(human.after.sigma).toBeGreaterThan(agent.after.sigma);
    expect(agent.after.sigma).toBeCloseTo(bot.after.sigma, 12);
    // The drift is exactly HUMAN_TAU in quadrature.
    const inflated = Math.sqrt(prior.sigma ** 2 + HUMAN_TAU ** 2);
    expect(inflated).toBeGreaterThan(prior.sigma);
    expect(agent.after.sigma).toBeLessThan(prior.sigma);
  });

  it('counts a subject with several cars once, at the mean of its cars', () => {
    const field = cars([
      { kind: 'bot', botDifficulty: 'hard' },
      { kind: 'agent', agentId: 'a' },
      { kind: 'bot', botDifficulty: 'hard' },
    ]);
    const updates = computeRatingUpdates(ratedCars(field), fresh);
    expect(updates.map((u) => subjectKey(u.subject))).toEqual(['bot:bot-hard', 'agent:a']);
    // One win and one loss against the agent, from equal priors: the bot's mean ends about where it was.
    expect(updates[0].after.mu).toBeCloseTo(DEFAULT_MU, 0);
  });

  it('rates nothing for unrated, aborted or single-subject races', () => {
    const field = cars([{ kind: 'agent' }, { kind: 'agent' }]);
    expect(ratingPlan(results(field)).unratedReason).toBeNull();
    expect(ratingPlan(results(field)).cars).toHaveLength(2);
    expect(ratingPlan(results(field, { rated: false, unratedReason: 'serverOverload' }))).toEqual({
      cars: [],
      unratedReason: 'serverOverload',
    });
    expect(ratingPlan(results(field, { rated: false, aborted: true, unratedReason: 'aborted' })).unratedReason).toBe(
      'aborted',
    );
    const oneAgentAndGuests = cars([{ kind: 'agent' }, { kind: 'human' }, { kind: 'human' }]);
    expect(ratingPlan(results(oneAgentAndGuests)).unratedReason).toBe('noRatedDrivers');
    expect(computeRatingUpdates(ratedCars(oneAgentAndGuests), fresh)).toEqual([]);
  });

  it('names the boards a set of updates changes', () => {
    const field = cars([{ kind: 'agent' }, { kind: 'bot' }]);
    expect(boardsChangedBy(computeRatingUpdates(ratedCars(field), fresh))).toEqual(['agents', 'all']);
    expect(boardsChangedBy([])).toEqual([]);
    expect(ordinalOf({ mu: 25, sigma: 25 / 3 })).toBeCloseTo(0, 12);
  });
});
