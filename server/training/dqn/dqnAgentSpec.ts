/**
 * What the DQN looks at and how its Q-values become actions: the seed's (Šarenac, agents.md §2)
 * grayscale-and-crop frame with the `sarenac-dqn-v1` network and its four actions, or the arena's
 * 24 state features (shared/agents/stateFeatures.ts) with a small ReLU MLP. Also the arena
 * manifest of a trained network and its model file.
 */
import type { AgentManifest, PipelineOp } from '../../../shared/agents/agentManifest.ts';
import { STATE_FEATURE_COUNT } from '../../../shared/agents/stateFeatures.ts';
import { defineArchitecture, type Architecture } from '../../agents/architectures/architecture.ts';
import { getArchitecture } from '../../agents/architectures/architectureRegistry.ts';
import { buildBuiltinOnnxModel } from '../../agents/backends/builtinOnnxGraph.ts';
import { readManifestText, resolveManifestForModel } from '../../agents/runtime/loadAgentPolicy.ts';
import { writeNpyFloat32 } from '../npyWriter.ts';

export type DqnObservation = 'frame' | 'state-v1';

/** The seed's ACTIONS (agents.md §2.4): LEFT, RIGHT, GAS, BRAKE. */
export const SEED_DQN_ACTIONS: readonly (readonly [number, number, number])[] = [
  [-1, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** The seed's preprocessing (§2.2): grayscale with its 0.144 typo, crop to 84×84, no scaling. */
export const SEED_DQN_PIPELINE: PipelineOp[] = [
  { op: 'grayscale', weights: [0.299, 0.587, 0.144], round: 'none' },
  { op: 'crop', top: 0, bottom: 12, left: 6, right: 6 },
];

/** The state-feature Q-network: 24 → hidden → hidden → |actions|, ReLU. Not a registered architecture: it ships as ONNX. */
export function stateQArchitecture(actions: number, hidden: number): Architecture {
  return defineArchitecture({
    id: `arena-state-dqn-${hidden}`,
    description: `state-v1 Q-network: ${STATE_FEATURE_COUNT} → ${hidden} relu → ${hidden} relu → ${actions} Q-values`,
    inputShape: [STATE_FEATURE_COUNT],
    outputKind: 'q-values',
    layers: [
      { kind: 'linear', module: 'fc1', in: STATE_FEATURE_COUNT, out: hidden },
      { kind: 'relu' },
      { kind: 'linear', module: 'fc2', in: hidden, out: hidden },
      { kind: 'relu' },
      { kind: 'linear', module: 'fc3', in: hidden, out: actions },
    ],
  });
}

export function dqnArchitecture(observation: DqnObservation, hidden: number): Architecture {
  return observation === 'frame'
    ? getArchitecture('sarenac-dqn-v1')
    : stateQArchitecture(SEED_DQN_ACTIONS.length, hidden);
}

export interface DqnManifestOptions {
  readonly observation: DqnObservation;
  readonly name: string;
  /** Decisions every this many env steps: the training frame skip. */
  readonly actionRepeat: number;
  readonly training?: Record<string, unknown>;
}

export function dqnModelFileName(observation: DqnObservation): string {
  return observation === 'frame' ? 'weights.f32.npy' : 'model.onnx';
}

export function dqnManifestJson(options: DqnManifestOptions): Record<string, unknown> {
  const frame = options.observation === 'frame';
  return {
    manifestVersion: 1,
    name: options.name,
    description: frame
      ? 'DQN (the seed tutorial’s network and preprocessing) trained with npm run train:dqn'
      : 'DQN on the arena state features, trained with npm run train:dqn',
    model: frame
      ? { format: 'npy-genome', file: dqnModelFileName('frame'), architecture: 'sarenac-dqn-v1' }
      : { format: 'onnx', file: dqnModelFileName('state-v1') },
    observation: frame
      ? { source: 'frame', style: 'v3', pipeline: SEED_DQN_PIPELINE, tensor: { layout: 'NCHW', dtype: 'float32' } }
      : { source: 'state-v1', style: 'v3' },
    action: { type: 'discrete', select: 'argmax', table: SEED_DQN_ACTIONS.map((r) => [...r]) },
    control: { actionRepeat: options.actionRepeat },
    ...(options.training === undefined ? {} : { training: options.training }),
  };
}

/** The model file of a trained genome, in the format the manifest names. */
export function dqnModelFile(observation: DqnObservation, arch: Architecture, genome: Float32Array): Uint8Array {
  return observation === 'frame' ? writeNpyFloat32(genome) : buildBuiltinOnnxModel(arch, genome);
}

/** The manifest resolved as the arena resolves it (for training episodes). */
export function resolvedDqnManifest(observation: DqnObservation, arch: Architecture): AgentManifest {
  const input = readManifestText(JSON.stringify(dqnManifestJson({ observation, name: 'dqn', actionRepeat: 1 })));
  return resolveManifestForModel(input, { inputShape: arch.inputShape, outputSize: arch.outputSize }, 'model');
}
