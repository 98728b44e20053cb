/**
 * `npm run bench:train [-- --arch arena-state-mlp-v1|jankowski-convnet-v1 --episodes N]`: GA
 * fitness throughput, full 1000-step episodes (no early stop), with 1 and 2 worker threads.
 * Genomes are σ = 0.02 perturbations of the house ES agent (agents/house/es-state-mlp, so the
 * episodes are real drives; a fresh genome when it is missing) for the state MLP, or one fresh
 * genome for the conv net (300 steps), each on its own track seed; the same jobs for both runs.
 *
 * Target (issue 8): 2 workers >= 1.8x one worker.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getArchitecture } from '../server/agents/architectures/architectureRegistry.ts';
import { FitnessPool } from '../server/training/ga/fitnessPool.ts';
import { readInitGenome } from '../server/training/ga/gaTrainer.ts';
import type { FitnessJob } from '../server/training/ga/genomeFitness.ts';
import { initGenome } from '../server/training/ga/genomeInit.ts';
import { GA_ARCHITECTURES, type GaArchitecture } from '../server/training/genomeManifest.ts';
import { SeededRng } from '../server/training/seededRng.ts';

const { values } = parseArgs({ options: { arch: { type: 'string' }, episodes: { type: 'string' } } });
const architecture = (values.arch ?? 'arena-state-mlp-v1') as GaArchitecture;
if (!GA_ARCHITECTURES.includes(architecture)) throw new Error(`--arch is one of ${GA_ARCHITECTURES.join(', ')}`);
const episodes = Number(values.episodes ?? (architecture === 'arena-state-mlp-v1' ? 24 : 6));
const maxSteps = architecture === 'arena-state-mlp-v1' ? 1000 : 300;

const arch = getArchitecture(architecture);
const rng = SeededRng.fromSeed(2026);
const HOUSE_GA = resolve(import.meta.dirname, '../agents/house/es-state-mlp/manifest.json');
const base =
  architecture === 'arena-state-mlp-v1' && existsSync(HOUSE_GA)
    ? readInitGenome(HOUSE_GA, architecture)
    : initGenome(arch, rng);
const jobs: FitnessJob[] = Array.from({ length: episodes }, (_, i) => ({
  architecture,
  genome: base.map((w) => w + (architecture === 'arena-state-mlp-v1' ? 0.02 * rng.normal() : 0)),
  seeds: [5000 + i],
  maxSteps,
  stallSteps: 0,
}));

const rates: number[] = [];
for (const workers of [1, 2]) {
  const pool = new FitnessPool(workers);
  // Warm-up: loads tsx, the simulation and the JIT in every worker.
  // (two full episodes per worker: each worker's JIT compiles the episode loop before the clock starts)
  await pool.evaluate(jobs.slice(0, 2 * workers));
  const t0 = performance.now();
  const results = await pool.evaluate(jobs);
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  const steps = results.reduce((a, r) => a + r.episodes.reduce((b, e) => b + e.steps, 0), 0);
  rates.push(episodes / seconds);
  console.log(
    `${architecture}, ${workers} worker(s): ${episodes} episodes (at most ${maxSteps} steps) in ${seconds.toFixed(1)} s = ${(episodes / seconds).toFixed(2)} episodes/s (${(steps / seconds).toFixed(0)} env steps/s)`,
  );
}
const speedup = rates[1] / rates[0];
console.log(`speed-up with 2 workers: ${speedup.toFixed(2)}x (target >= 1.8x: ${speedup >= 1.8 ? 'met' : 'NOT met'})`);
