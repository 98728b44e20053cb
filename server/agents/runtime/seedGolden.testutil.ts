/**
 * Checks a loaded seed policy, end to end through the production path (AgentCarController:
 * the manifest's pipeline and tensor packing; the model; the manifest's action decoder), against
 * the golden outputs of the original PyTorch classes (agents-testdata/testvectors.json).
 */
import { expect } from 'vitest';
import { decodeAction } from '../../../shared/agents/actionDecoder.ts';
import type { TestVectors } from '../backends/builtinGolden.testutil.ts';
import { AgentCarController, type AgentPolicy } from './agentPolicy.ts';

export type SeedKind = 'dqn' | `ga:${string}`;

/** Runs all frames as one batch; returns the largest deviation seen (Q-values or actions). */
export async function checkSeedGolden(
  policy: AgentPolicy,
  kind: SeedKind,
  frames: readonly Uint8Array[],
  vectors: TestVectors,
): Promise<number> {
  const input = new Float32Array(frames.length * policy.sampleSize);
  frames.forEach((frame, slot) => {
    const controller = new AgentCarController(policy);
    controller.writeSample({ kind: 'frame', frame }, input, slot);
    // The production preprocessing gives the golden input sums (float32 values, summed in float64).
    let sum = 0;
    for (let i = slot * policy.sampleSize; i < (slot + 1) * policy.sampleSize; i++) sum += input[i];
    const ref = vectors.ref_frames[slot];
    expect(sum).toBeCloseTo(kind === 'dqn' ? ref.dqn_input_sum : ref.ga_input_sum, 2);
  });
  const outputs = await policy.model.run(input, frames.length);
  const k = policy.model.info.outputSize;
  let worst = 0;
  frames.forEach((_, slot) => {
    const ref = vectors.ref_frames[slot];
    const action = decodeAction(policy.manifest.action, outputs, slot * k);
    if (kind === 'dqn') {
      for (let j = 0; j < 4; j++) worst = Math.max(worst, Math.abs(outputs[slot * k + j] - ref.dqn_q[j]));
      expect(action.index).toBe(ref.dqn_argmax);
    } else {
      const golden = ref[kind].action;
      worst = Math.max(
        worst,
        Math.abs(action.steer - golden[0]),
        Math.abs(action.gas - golden[1]),
        Math.abs(action.brake - golden[2]),
      );
    }
  });
  // agents.md §8: DQN Q-values within 1e-4 (what keeps argmax stable in real episodes), GA actions within 1e-4.
  expect(worst).toBeLessThanOrEqual(1e-4);
  return worst;
}
