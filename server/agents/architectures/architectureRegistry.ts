/**
 * The built-in architectures by registry id (agents.md §9.1 `model.architecture`).
 */
import { AgentFormatError } from '../agentFormatError.ts';
import type { Architecture } from './architecture.ts';
import { JANKOWSKI_CONVNET_V1 } from './jankowskiConvnet.ts';
import { SARENAC_DQN_V1 } from './sarenacDqn.ts';
import { ARENA_STATE_MLP_V1 } from './stateMlp.ts';

const ARCHITECTURES: ReadonlyMap<string, Architecture> = new Map(
  [SARENAC_DQN_V1, JANKOWSKI_CONVNET_V1, ARENA_STATE_MLP_V1].map((a) => [a.id, a]),
);

/** Every built-in architecture, in registry order. */
export function listArchitectures(): Architecture[] {
  return [...ARCHITECTURES.values()];
}

/** The architecture with this id, or an AgentFormatError on `model.architecture` listing the known ids. */
export function getArchitecture(id: string, file = 'manifest.json'): Architecture {
  const arch = ARCHITECTURES.get(id);
  if (arch === undefined) {
    throw new AgentFormatError({
      file,
      field: 'model.architecture',
      expected: `one of ${[...ARCHITECTURES.keys()].join(', ')}`,
      got: JSON.stringify(id),
    });
  }
  return arch;
}

export function hasArchitecture(id: string): boolean {
  return ARCHITECTURES.has(id);
}
