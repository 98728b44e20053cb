import { describe, expect, it } from 'vitest';
import { pickLadderLineup, type LadderCandidate } from './ladderPairing.ts';

const agent = (agentId: string, ordinal: number, races: number): LadderCandidate => ({ agentId, ordinal, races });
const fixed = (values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe('pickLadderLineup', () => {
  it('puts provisional agents first, the least-raced first, and fills with the closest ratings', () => {
    const candidates = [
      agent('vet-high', 30, 50),
      agent('new-3', 0, 3),
      agent('vet-low', 1, 40),
      agent('new-0', 0, 0),
      agent('vet-mid', 10, 20),
    ];
    const lineup = pickLadderLineup(candidates, new Set(), fixed([0.5]), 3)!;
    expect(lineup.agents).toEqual(['new-0', 'new-3', 'vet-low']);
    expect(lineup.bots).toHaveLength(1);
    expect(lineup.bots[0]).toBe('hard');
  });

  it('pairs settled agents by close rating around a random pivot, skipping agents already racing', () => {
    const candidates = [10, 20, 21, 22, 40, 41].map((o, i) => agent(`a${i}`, o, 30));
    const lineup = pickLadderLineup(candidates, new Set(['a2']), fixed([0.2]), 3)!;
    // pivot: the 2nd free agent (a1, ordinal 20); closest others: a3 (22) then a0 (10)
    expect(lineup.agents).toEqual(['a1', 'a3', 'a0']);
  });

  it('always seats at least one bot and 4 to 8 cars; nothing when every agent is busy', () => {
    const one = pickLadderLineup([agent('solo', 0, 0)], new Set(), fixed([0.9]))!;
    expect(one.agents.length + one.bots.length).toBe(4);
    const many = pickLadderLineup(
      Array.from({ length: 12 }, (_, i) => agent(`a${i}`, i, 0)),
      new Set(),
      fixed([0.1]),
    )!;
    expect(many.agents).toHaveLength(7);
    expect(many.agents.length + many.bots.length).toBe(8);
    expect(pickLadderLineup([agent('x', 0, 0)], new Set(['x']), fixed([0]))).toBeNull();
  });
});
