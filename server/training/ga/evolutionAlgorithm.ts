/**
 * What the GA trainer needs from an evolution algorithm: one generation at a time, given a way
 * to score genomes (on this generation's track seeds) and the run's random stream, and its state
 * as JSON for checkpoints.
 */
import type { SeededRng } from '../seededRng.ts';

/** Scores genomes; resolves to one fitness per genome, in order. */
export type ScoreGenomes = (genomes: readonly Float32Array[]) => Promise<number[]>;

export interface GenerationOutcome {
  /** Fitness of every genome evaluated this generation (the population's figures). */
  readonly fitness: readonly number[];
  /** The genome the algorithm would deploy now (ES: θ; GA: the best of the new population). */
  readonly elite: Float32Array;
  readonly eliteFitness: number;
}

export interface EvolutionAlgorithm {
  readonly name: string;
  /** Genome evaluations one generation costs (for the progress bar). */
  readonly evaluationsPerGeneration: number;
  generation(score: ScoreGenomes, rng: SeededRng): Promise<GenerationOutcome>;
  toJSON(): Record<string, unknown>;
}
