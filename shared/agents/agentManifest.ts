/**
 * The agent manifest (agents.md §9): what a model file cannot say about itself — how a frame
 * becomes the model's input, how the model's output becomes an action, how often it decides
 * and which observation it was trained on. Validated with zod; every field has a default so a
 * bare ONNX file with a standard 96×96×3 input needs none (see resolveAgentManifest).
 */
import { z } from 'zod';

export const MODEL_FORMATS = ['onnx', 'npy-genome', 'json-genome', 'tfjs-layers', 'torch-state-dict'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];
/** Formats whose network is one of the server's built-in architectures. */
export const GENOME_FORMATS: readonly ModelFormat[] = ['npy-genome', 'json-genome', 'torch-state-dict'];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const pixels = z.int().min(0).max(95);
const fileName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('..') && !s.startsWith('/') && !s.includes('\\'), 'a plain relative file name');

export const pipelineOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('crop'), top: pixels, bottom: pixels, left: pixels, right: pixels }),
  z.strictObject({ op: z.literal('flipVertical') }),
  z.strictObject({
    op: z.literal('grayscale'),
    weights: z.tuple([finite, finite, finite]),
    round: z.enum(['none', 'uint8']).default('none'),
  }),
  z.strictObject({
    op: z.literal('resize'),
    width: z.int().min(1).max(256),
    height: z.int().min(1).max(256),
    method: z.enum(['nearest', 'bilinear', 'area']),
  }),
  z.strictObject({ op: z.literal('affine'), scale: finite, offset: finite }),
]);
export type PipelineOp = z.infer<typeof pipelineOpSchema>;

const actionRow = z.tuple([finite, finite, finite]);

export const discreteActionSchema = z.strictObject({
  type: z.literal('discrete'),
  table: z.array(actionRow).min(2).max(64),
  select: z.enum(['argmax', 'argmax-scaled']).default('argmax'),
});
export const continuousActionSchema = z.strictObject({
  type: z.literal('continuous'),
  activation: z
    .tuple([
      z.enum(['none', 'tanh', 'sigmoid']),
      z.enum(['none', 'tanh', 'sigmoid']),
      z.enum(['none', 'tanh', 'sigmoid']),
    ])
    .default(['none', 'none', 'none']),
});
export const actionSpecSchema = z.discriminatedUnion('type', [discreteActionSchema, continuousActionSchema]);
export type ActionSpec = z.infer<typeof actionSpecSchema>;

export const TENSOR_LAYOUTS = ['NCHW', 'NHWC', 'HWC_AS_NCHW'] as const;
export type TensorLayout = (typeof TENSOR_LAYOUTS)[number];

export const agentManifestSchema = z
  .object({
    manifestVersion: z.literal(1).default(1),
    name: z.string().trim().min(1).max(80).optional(),
    description: z.string().max(4000).optional(),
    copyright: z.string().max(400).optional(),
    /** Display and provenance only. */
    source: z.record(z.string(), z.unknown()).optional(),
    model: z.strictObject({
      format: z.enum(MODEL_FORMATS),
      file: fileName,
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits')
        .optional(),
      architecture: z.string().min(1).max(64).optional(),
      input: z.string().min(1).max(200).optional(),
      output: z.string().min(1).max(200).optional(),
    }),
    observation: z
      .strictObject({
        /** 'frame': the 96×96 RGB picture; 'state-v1': shared/agents/stateFeatures.ts. */
        source: z.enum(['frame', 'state-v1']).default('frame'),
        /** The CarRacing the agent was trained on: Gymnasium v3 frames, or gym v0's. */
        style: z.enum(['v3', 'v0']).default('v3'),
        pipeline: z.array(pipelineOpSchema).max(16).default([]),
        frameStack: z
          .strictObject({
            size: z.int().min(1).max(8).default(1),
            fill: z.enum(['repeat-first', 'zeros']).default('repeat-first'),
          })
          .default({ size: 1, fill: 'repeat-first' }),
        /** Layout defaults to what the model's input shape says (resolveAgentManifest). */
        tensor: z
          .strictObject({ layout: z.enum(TENSOR_LAYOUTS).optional(), dtype: z.literal('float32').default('float32') })
          .default({ dtype: 'float32' }),
      })
      .default({
        source: 'frame',
        style: 'v3',
        pipeline: [],
        frameStack: { size: 1, fill: 'repeat-first' },
        tensor: { dtype: 'float32' },
      }),
    /** Defaults to what the model's output size says (resolveAgentManifest). */
    action: actionSpecSchema.optional(),
    control: z.strictObject({ actionRepeat: z.int().min(1).max(16).default(1) }).default({ actionRepeat: 1 }),
    /** Informational: env version, algorithm, training command line. */
    training: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const builtin = GENOME_FORMATS.includes(m.model.format);
    if (builtin && m.model.architecture === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'architecture'],
        message: `required for format ${m.model.format}`,
      });
    }
    if (!builtin && m.model.architecture !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'architecture'],
        message: `must be absent for format ${m.model.format}`,
      });
    }
    if (
      m.observation.source === 'state-v1' &&
      (m.observation.pipeline.length > 0 || m.observation.frameStack.size > 1)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['observation', 'pipeline'],
        message: 'state-v1 observations take no pixel pipeline and no frame stack',
      });
    }
  });

/** A manifest as written (defaults of the schema filled in; layout and action maybe still open). */
export type AgentManifestInput = z.infer<typeof agentManifestSchema>;

/** A manifest with every choice made: what the runtime runs. */
export type AgentManifest = Omit<AgentManifestInput, 'action' | 'observation'> & {
  observation: Omit<AgentManifestInput['observation'], 'tensor'> & {
    tensor: { layout: TensorLayout; dtype: 'float32' };
  };
  action: ActionSpec;
};

export interface ManifestIssue {
  /** Dotted path of the field, e.g. `observation.pipeline.0.weights`. */
  readonly path: string;
  readonly message: string;
}

export type ManifestParseResult =
  | { readonly ok: true; readonly manifest: AgentManifestInput }
  | { readonly ok: false; readonly issues: readonly ManifestIssue[] };

/** Parses a manifest object (already JSON-decoded); never throws. */
export function parseAgentManifest(value: unknown): ManifestParseResult {
  const parsed = agentManifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
  };
}

/** Gymnasium CarRacing-v3's discrete actions (continuous=False), as [steer, gas, brake] rows. */
export const GYMNASIUM_DISCRETE_TABLE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [-1, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 0.8],
];

/** What a model says about its own input and output, for filling in the manifest's open choices. */
export interface ModelShapeFacts {
  /** One sample's input shape (batch excluded). */
  readonly inputShape: readonly number[];
  readonly outputSize: number;
}

/**
 * Fills in the choices a manifest may leave open, from the model's shapes:
 * - tensor layout: NHWC when the input's last axis is the channel count the pipeline produces
 *   and the first is not, else NCHW;
 * - action: 3 outputs → continuous (no activation); 5 → Gymnasium's discrete table; other
 *   sizes need an explicit table. Returns an issue instead of guessing.
 */
export function resolveAgentManifest(
  manifest: AgentManifestInput,
  facts: ModelShapeFacts,
  channelsPerSample: number,
): { ok: true; manifest: AgentManifest } | { ok: false; issue: ManifestIssue } {
  let layout = manifest.observation.tensor.layout;
  if (layout === undefined) {
    const shape = facts.inputShape;
    layout = shape.length === 3 && shape[2] === channelsPerSample && shape[0] !== channelsPerSample ? 'NHWC' : 'NCHW';
  }
  let action = manifest.action;
  if (action === undefined) {
    if (facts.outputSize === 3) action = { type: 'continuous', activation: ['none', 'none', 'none'] };
    else if (facts.outputSize === GYMNASIUM_DISCRETE_TABLE.length) {
      action = { type: 'discrete', select: 'argmax', table: GYMNASIUM_DISCRETE_TABLE.map((r) => [r[0], r[1], r[2]]) };
    } else {
      return {
        ok: false,
        issue: {
          path: 'action',
          message: `the model has ${facts.outputSize} outputs: give action.table (one [steer, gas, brake] row per output) or a continuous action with 3 outputs`,
        },
      };
    }
  }
  return {
    ok: true,
    manifest: {
      ...manifest,
      observation: { ...manifest.observation, tensor: { layout, dtype: 'float32' } },
      action,
    },
  };
}
