import { describe, expect, it } from 'vitest';
import { SeededRng } from '../seededRng.ts';
import { centredRanks } from './openAiEs.ts';
import { crossover, mutate, selectionWeights } from './seedGa.ts';

describe('the seed GA operators, fixed', () => {
  it('crossover swaps both tails (the seed left child2 = parent2)', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const b = Float32Array.from([5, 6, 7, 8]);
    const [c1, c2] = crossover(a, b, 1);
    expect([...c1]).toEqual([1, 6, 7, 8]);
    expect([...c2]).toEqual([5, 2, 3, 4]);
    expect([...a]).toEqual([1, 2, 3, 4]);
  });

  it('ranking weights by rank, roulette by fitness above the minimum', () => {
    expect(selectionWeights([10, -5, 3], 'ranking')).toEqual([3, 1, 2]);
    expect(selectionWeights([10, -5, 3], 'roulette')).toEqual([16, 1, 9]);
  });

  it('the seed mutation replaces one gene with an integer-sized jump', () => {
    const g = new Float32Array(100);
    mutate(
      g,
      {
        populationSize: 2,
        selection: 'ranking',
        crossoverRate: 0,
        mutationRate: 1,
        mutation: 'seed',
        mutationSigma: 0,
      },
      SeededRng.fromSeed(3),
    );
    expect(g.filter((v) => v !== 0)).toHaveLength(1);
  });

  it('centred ranks span [-0.5, 0.5]', () => {
    expect(centredRanks([5, 1, 3])).toEqual([0.5, -0.5, 0]);
  });
});
