/**
 * `npm run bench:agents`: per-decision model latency of each seed agent on each backend, one
 * car (batch 1) and a batch of 8 cars (per decision = batch time / 8), on real CarRacing frames
 * rendered by shared/. One thread per model (ONNX Runtime intra-op 1; TF.js wasm is single-threaded).
 *
 * Target (issue 4): <= 2 ms per decision for the GA conv net and the DQN on one core, batch of 8.
 */
import { createCarRacingEnv } from '../shared/env/carRacingEnv.ts';
import { AgentCarController } from '../server/agents/runtime/agentPolicy.ts';
import { percentile } from '../shared/numeric/percentile.ts';
import { loadAgentPolicy } from '../server/agents/runtime/loadAgentPolicy.ts';
import { readSeedAgents } from '../server/agents/seedAgents.ts';

const BACKENDS = ['onnxruntime', 'tfjs'] as const;

/** 8 frames from an episode under full gas on seed 3 (the car moving, the zoom-in done). */
function realFrames(): Uint8Array[] {
  const env = createCarRacingEnv();
  env.reset({ seed: 3 });
  const frames: Uint8Array[] = [];
  for (let t = 1; frames.length < 8; t++) {
    const r = env.step([Math.sin(t / 20) * 0.3, 0.5, 0]);
    if (t >= 60 && t % 10 === 0) frames.push(r.observation!);
  }
  return frames;
}

const frames = realFrames();
console.log('agent                          backend       batch  per decision p50 / p99 (ms)');
for (const seed of readSeedAgents()) {
  for (const backend of BACKENDS) {
    const policy = await loadAgentPolicy(seed, { builtinBackend: backend });
    for (const batch of [1, 8]) {
      const input = new Float32Array(batch * policy.sampleSize);
      for (let k = 0; k < batch; k++) {
        const c = new AgentCarController(policy);
        c.writeSample({ kind: 'frame', frame: frames[k % frames.length] }, input, k);
      }
      const runs = backend === 'tfjs' ? (batch === 1 ? 30 : 8) : batch === 1 ? 400 : 100;
      for (let i = 0; i < Math.min(5, runs); i++) await policy.model.run(input, batch);
      const perDecision: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await policy.model.run(input, batch);
        perDecision.push((performance.now() - t0) / batch);
      }
      console.log(
        `${seed.agentId.padEnd(30)} ${policy.model.info.backend.padEnd(13)} ${String(batch).padStart(5)}  ${percentile(perDecision, 50).toFixed(3)} / ${percentile(perDecision, 99).toFixed(3)}`,
      );
    }
    await policy.model.dispose();
  }
}
