/**
 * The arena manifest (agents.md §9) of a genome the training tools evolved, per built-in
 * architecture: what it looks at, how its outputs become an action. The same manifest drives
 * training episodes, checkpoints, house agents and uploads, so a trained genome runs in the
 * arena exactly as it was scored.
 */
import type { AgentManifest, AgentManifestInput } from '../../shared/agents/agentManifest.ts';
import { getArchitecture } from '../agents/architectures/architectureRegistry.ts';
import { readManifestText, resolveManifestForModel } from '../agents/runtime/loadAgentPolicy.ts';

/** Architectures the GA trains, and the observation each one reads. */
export const GA_ARCHITECTURES = ['arena-state-mlp-v1', 'jankowski-convnet-v1'] as const;
export type GaArchitecture = (typeof GA_ARCHITECTURES)[number];

export interface GenomeManifestOptions {
  readonly architecture: GaArchitecture;
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  /** Recorded in `training` (algorithm, options, command line, figures). */
  readonly training?: Record<string, unknown>;
}

/** The manifest JSON object (json-genome format) of a trained genome. */
export function genomeManifestJson(options: GenomeManifestOptions): Record<string, unknown> {
  const observation =
    options.architecture === 'arena-state-mlp-v1'
      ? { source: 'state-v1', style: 'v3' }
      : {
          source: 'frame',
          style: 'v3',
          pipeline: [{ op: 'flipVertical' }],
          tensor: { layout: 'HWC_AS_NCHW', dtype: 'float32' },
        };
  return {
    manifestVersion: 1,
    name: options.name,
    ...(options.description === undefined ? {} : { description: options.description }),
    model: { format: 'json-genome', file: options.file, architecture: options.architecture },
    observation,
    // The architecture's own head squashes the outputs already (tanh, sigmoid, sigmoid).
    action: { type: 'continuous', activation: ['none', 'none', 'none'] },
    control: { actionRepeat: 1 },
    ...(options.training === undefined ? {} : { training: options.training }),
  };
}

/** The manifest as the arena resolves it, for running training episodes. */
export function resolvedGenomeManifest(architecture: GaArchitecture): AgentManifest {
  const arch = getArchitecture(architecture, 'manifest.json');
  const input: AgentManifestInput = readManifestText(
    JSON.stringify(genomeManifestJson({ architecture, name: architecture, file: 'genome.json' })),
  );
  return resolveManifestForModel(input, { inputShape: arch.inputShape, outputSize: arch.outputSize }, 'genome.json');
}
