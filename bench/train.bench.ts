/**
 * `npm run bench:train [-- --arch arena-state-mlp-v1|jankowski-convnet-v1 --episodes N --rounds R]`:
 * GA fitness throughput in the steady state, full 1000-step episodes (no early stop), with 1 and 2
 * worker threads: R rounds of the N episodes per pool, taking turns, median round reported.
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

const { values } = parseArgs({
  options: { arch: { type: 'string' }, episodes: { type: 'string' }, rounds: { type: 'string' } },
});
const architecture = (values.arch ?? 'arena-state-mlp-v1') as GaArchitecture;
if (!GA_ARCHITECTURES.includes(architecture)) throw new Error(`--arch is one of ${GA_ARCHITECTURES.join(', ')}`);
const episodes = Number(values.episodes ?? (architecture === 'arena-state-mlp-v1' ? 96 : 6));
const rounds = Number(values.rounds ?? 3);
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

// Both pools live side by side (only one works at a time) and take turns, so slow drifts of a
// shared machine hit both alike; each is first warmed until its JIT has settled (every worker
// evaluates 16 episodes), because a training run lasts minutes and compilation is not throughput.
const configs = [1, 2].map((workers) => ({
  workers,
  pool: new FitnessPool(workers),
  rates: [] as number[],
  stepRates: [] as number[],
}));
for (const c of configs) await c.pool.evaluate(jobs.slice(0, Math.min(jobs.length, 16 * c.workers)));
for (let round = 0; round < rounds; round++) {
  for (const c of configs) {
    const t0 = performance.now();
    const results = await c.pool.evaluate(jobs);
    const seconds = (performance.now() - t0) / 1000;
    const steps = results.reduce((a, r) => a + r.episodes.reduce((b, e) => b + e.steps, 0), 0);
    c.rates.push(episodes / seconds);
    c.stepRates.push(steps / seconds);
  }
}
await Promise.all(configs.map((c) => c.pool.close()));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const c of configs) {
  console.log(
    `${architecture}, ${c.workers} worker(s): ${episodes} episodes (at most ${maxSteps} steps) x ${rounds} rounds: median ${median(c.rates).toFixed(2)} episodes/s (${median(c.stepRates).toFixed(0)} env steps/s; rounds: ${c.rates.map((r) => r.toFixed(2)).join(', ')})`,
  );
}
const speedup = median(configs[1].rates) / median(configs[0].rates);
console.log(`speed-up with 2 workers: ${speedup.toFixed(2)}x (target >= 1.8x: ${speedup >= 1.8 ? 'met' : 'NOT met'})`);
