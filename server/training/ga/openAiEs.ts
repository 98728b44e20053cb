/**
 * OpenAI-ES (Salimans et al. 2017, "Evolution Strategies as a Scalable Alternative to
 * Reinforcement Learning"), the trainer's default: a search distribution N(θ, σ²I) over
 * genomes, antithetic pairs θ ± σε, centred-rank fitness shaping, and an Adam step on θ along
 * the estimated gradient with L2 weight decay. θ itself is the policy that gets saved.
 */
import type { SeededRng } from '../seededRng.ts';

export interface EsOptions {
  /** Genomes per generation (even: antithetic pairs). */
  readonly populationSize: number;
  /** Standard deviation of the perturbations. */
  readonly sigma: number;
  readonly learningRate: number;
  /** L2 coefficient subtracted from the gradient estimate. */
  readonly weightDecay: number;
}

/** θ and Adam's moments: everything a checkpoint needs to continue. */
export interface EsState {
  readonly mean: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Adam steps taken. */
  t: number;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPS = 1e-8;

export function initEsState(mean: Float32Array): EsState {
  return { mean: Float32Array.from(mean), m: new Float32Array(mean.length), v: new Float32Array(mean.length), t: 0 };
}

/** One generation's samples: `noise[j]` is ε of pair j; genomes are θ+σε_j, θ−σε_j, in that order. */
export interface EsSamples {
  readonly noise: Float32Array[];
  readonly genomes: Float32Array[];
}

export function esAsk(state: EsState, options: EsOptions, rng: SeededRng): EsSamples {
  if (options.populationSize < 2 || options.populationSize % 2 !== 0) {
    throw new RangeError(`the ES population must be even and >= 2, got ${options.populationSize}`);
  }
  const n = state.mean.length;
  const noise: Float32Array[] = [];
  const genomes: Float32Array[] = [];
  for (let j = 0; j < options.populationSize / 2; j++) {
    const eps = new Float32Array(n);
    for (let i = 0; i < n; i++) eps[i] = rng.normal();
    const plus = new Float32Array(n);
    const minus = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      plus[i] = state.mean[i] + options.sigma * eps[i];
      minus[i] = state.mean[i] - options.sigma * eps[i];
    }
    noise.push(eps);
    genomes.push(plus, minus);
  }
  return { noise, genomes };
}

/** Ranks mapped linearly onto [−0.5, 0.5] (ties broken by index, so the result is deterministic). */
export function centredRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<number>(values.length);
  const last = Math.max(1, values.length - 1);
  order.forEach(([, i], rank) => (out[i] = rank / last - 0.5));
  return out;
}

/** Moves θ along the estimated gradient of the fitness (one Adam step). */
export function esTell(state: EsState, samples: EsSamples, fitness: readonly number[], options: EsOptions): void {
  const weights = centredRanks(fitness);
  const n = state.mean.length;
  const grad = new Float64Array(n);
  samples.noise.forEach((eps, j) => {
    const w = weights[2 * j] - weights[2 * j + 1];
    for (let i = 0; i < n; i++) grad[i] += w * eps[i];
  });
  const scale = 1 / (options.populationSize * options.sigma);
  state.t++;
  const c1 = 1 - ADAM_BETA1 ** state.t;
  const c2 = 1 - ADAM_BETA2 ** state.t;
  for (let i = 0; i < n; i++) {
    const g = grad[i] * scale - options.weightDecay * state.mean[i];
    state.m[i] = ADAM_BETA1 * state.m[i] + (1 - ADAM_BETA1) * g;
    state.v[i] = ADAM_BETA2 * state.v[i] + (1 - ADAM_BETA2) * g * g;
    state.mean[i] += (options.learningRate * (state.m[i] / c1)) / (Math.sqrt(state.v[i] / c2) + ADAM_EPS);
  }
}
