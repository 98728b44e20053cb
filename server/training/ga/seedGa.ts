/**
 * The seed tutorial's genetic algorithm (robertjankowski/ga-openai-gym, `carracing_conv_spell.py`,
 * agents.md §3.6), with its known bugs fixed:
 *
 * 1. **Crossover.** The seed swaps NumPy slices through views, so in effect child1 =
 *    parent1[:k] ++ parent2[k:] and child2 = parent2 unchanged. Here both tails really swap:
 *    child2 = parent2[:k] ++ parent1[k:].
 * 2. **Population.** The seed fills the population with P references to one individual, so every
 *    slot aliases the same network and diversity comes only from mutation. Here each of the P
 *    individuals is initialised on its own, and children are copies, never aliases.
 * 3. **Selection.** The seed's "ranking selection" takes the two best for every pair slot, so all
 *    P/2 slots breed the same parents. Here each slot draws its own two parents: linear ranking
 *    (probability ∝ rank, best = P) or roulette (∝ fitness − min fitness + 1).
 * 4. **Noise.** The seed scores each evaluation on one new random track. Here every genome of a
 *    generation (old population and children alike) is scored on the same few seeds, so the
 *    children-versus-parents comparison is fair.
 *
 * Kept as in the seed: each generation re-scores the old population; per slot two parents are
 * copied, crossed over with probability `crossoverRate` at a uniform cut point, and each child
 * mutated with probability `mutationRate`; the children take the slot only when their summed
 * fitness beats their parents'. The seed's mutation (one gene ← Normal(mean, std of the genome)
 * + an integer in −10…9) is the `seed` operator; `gaussian` adds N(0, σ²) to every gene instead.
 */
import { base64ToFloat32, float32ToBase64 } from '../genomeCodec.ts';
import type { SeededRng } from '../seededRng.ts';
import type { EvolutionAlgorithm, GenerationOutcome, ScoreGenomes } from './evolutionAlgorithm.ts';

export type Selection = 'ranking' | 'roulette';
export type MutationOperator = 'seed' | 'gaussian';

export interface SeedGaOptions {
  /** Even. */
  readonly populationSize: number;
  readonly selection: Selection;
  readonly crossoverRate: number;
  readonly mutationRate: number;
  readonly mutation: MutationOperator;
  /** σ of the `gaussian` operator. */
  readonly mutationSigma: number;
}

/** Index drawn with probability proportional to `weights` (all >= 0, not all 0). */
function drawWeighted(weights: readonly number[], rng: SeededRng): number {
  const total = weights.reduce((a, w) => a + w, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** Selection weights of a population with fitness `f`. */
export function selectionWeights(f: readonly number[], selection: Selection): number[] {
  if (selection === 'roulette') {
    const min = Math.min(...f);
    return f.map((v) => v - min + 1);
  }
  const order = f.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const w = new Array<number>(f.length);
  order.forEach(([, i], rank) => (w[i] = rank + 1));
  return w;
}

/** Single-point crossover at a cut uniform in [0, L): both tails swapped (fix 1). */
export function crossover(a: Float32Array, b: Float32Array, cut: number): [Float32Array, Float32Array] {
  const c1 = Float32Array.from(a);
  const c2 = Float32Array.from(b);
  c1.set(b.subarray(cut), cut);
  c2.set(a.subarray(cut), cut);
  return [c1, c2];
}

function meanStd(g: Float32Array): [number, number] {
  let s = 0;
  for (const v of g) s += v;
  const mean = s / g.length;
  let q = 0;
  for (const v of g) q += (v - mean) ** 2;
  return [mean, Math.sqrt(q / g.length)];
}

export function mutate(g: Float32Array, options: SeedGaOptions, rng: SeededRng): void {
  if (options.mutation === 'seed') {
    const [mean, std] = meanStd(g);
    g[rng.int(g.length)] = mean + std * rng.normal() + (rng.int(20) - 10);
  } else {
    for (let i = 0; i < g.length; i++) g[i] += options.mutationSigma * rng.normal();
  }
}

export class SeedGaAlgorithm implements EvolutionAlgorithm {
  readonly name = 'seed-ga';

  private constructor(
    private readonly options: SeedGaOptions,
    private population: Float32Array[],
  ) {
    if (options.populationSize < 2 || options.populationSize % 2 !== 0) {
      throw new RangeError(`the GA population must be even and >= 2, got ${options.populationSize}`);
    }
  }

  /** `init` makes one independent individual per call (fix 2). */
  static start(options: SeedGaOptions, init: () => Float32Array): SeedGaAlgorithm {
    return new SeedGaAlgorithm(
      options,
      Array.from({ length: options.populationSize }, () => init()),
    );
  }

  static fromJSON(options: SeedGaOptions, json: Record<string, unknown>): SeedGaAlgorithm {
    const pop = json.population;
    if (!Array.isArray(pop) || pop.some((p) => typeof p !== 'string')) throw new Error('checkpoint: ga.population');
    return new SeedGaAlgorithm(
      options,
      (pop as string[]).map((p) => base64ToFloat32(p)),
    );
  }

  get evaluationsPerGeneration(): number {
    return 2 * this.options.populationSize;
  }

  async generation(score: ScoreGenomes, rng: SeededRng): Promise<GenerationOutcome> {
    const o = this.options;
    const old = this.population;
    const oldFitness = await score(old);
    const weights = selectionWeights(oldFitness, o.selection);
    const parents: [number, number][] = [];
    const children: Float32Array[] = [];
    for (let slot = 0; slot < o.populationSize; slot += 2) {
      const p1 = drawWeighted(weights, rng);
      const w2 = weights.map((w, i) => (i === p1 ? 0 : w));
      const p2 = drawWeighted(w2, rng);
      parents.push([p1, p2]);
      const cut = rng.int(old[p1].length);
      let [c1, c2]: Float32Array[] = [Float32Array.from(old[p1]), Float32Array.from(old[p2])];
      if (rng.next() < o.crossoverRate) [c1, c2] = crossover(old[p1], old[p2], cut);
      for (const c of [c1, c2]) if (rng.next() < o.mutationRate) mutate(c, o, rng);
      children.push(c1, c2);
    }
    const childFitness = await score(children);
    const next: Float32Array[] = [];
    const nextFitness: number[] = [];
    parents.forEach(([p1, p2], j) => {
      const f1 = childFitness[2 * j];
      const f2 = childFitness[2 * j + 1];
      if (f1 + f2 > oldFitness[p1] + oldFitness[p2]) {
        next.push(children[2 * j], children[2 * j + 1]);
        nextFitness.push(f1, f2);
      } else {
        next.push(Float32Array.from(old[p1]), Float32Array.from(old[p2]));
        nextFitness.push(oldFitness[p1], oldFitness[p2]);
      }
    });
    this.population = next;
    let best = 0;
    nextFitness.forEach((f, i) => {
      if (f > nextFitness[best]) best = i;
    });
    return { fitness: [...oldFitness, ...childFitness], elite: next[best], eliteFitness: nextFitness[best] };
  }

  toJSON(): Record<string, unknown> {
    return { population: this.population.map(float32ToBase64) };
  }
}
