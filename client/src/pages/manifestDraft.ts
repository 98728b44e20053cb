/**
 * The upload page's manifest form as data: what the dropped files suggest (defaults), what a
 * dropped manifest.json says, and the manifest JSON the form sends, checked with the same zod
 * schema the server uses (shared/agents/agentManifest.ts) so mistakes show before uploading.
 * Pure: tested in manifestDraft.test.ts.
 */
import {
  GYMNASIUM_DISCRETE_TABLE,
  MODEL_FORMATS,
  TENSOR_LAYOUTS,
  parseAgentManifest,
  type ModelFormat,
  type TensorLayout,
} from '../../../shared/agents/agentManifest.ts';

/** The server's built-in architectures (server/agents/architectures/), for genome formats. */
export const BUILTIN_ARCHITECTURES = [
  { id: 'sarenac-dqn-v1', label: 'sarenac-dqn-v1 (the seed DQN, 441,892 floats)' },
  { id: 'jankowski-convnet-v1', label: 'jankowski-convnet-v1 (the seed GA conv net, 787,027 floats)' },
  { id: 'arena-state-mlp-v1', label: 'arena-state-mlp-v1 (24 state features → 3, 1,955 floats)' },
] as const;

export const FORMAT_LABELS: Record<ModelFormat, string> = {
  onnx: 'ONNX (.onnx)',
  'npy-genome': 'NumPy genome (.npy)',
  'json-genome': 'JSON genome (.json)',
  'tfjs-layers': 'TF.js LayersModel (model.json + .bin)',
  'torch-state-dict': 'PyTorch state_dict (.pt, .pth)',
};

export type Activation = 'none' | 'tanh' | 'sigmoid';

export interface ManifestDraft {
  name: string;
  description: string;
  format: ModelFormat;
  /** The model file among the upload's files (a zip's entries by their path). */
  file: string;
  /** '' when the format needs none. */
  architecture: string;
  source: 'frame' | 'state-v1';
  style: 'v3' | 'v0';
  /** `observation.pipeline` as JSON text. */
  pipelineJson: string;
  frameStackSize: number;
  frameStackFill: 'repeat-first' | 'zeros';
  /** '' = decided from the model's input shape. */
  layout: '' | TensorLayout;
  /** '' = decided from the model's output size (3 continuous, 5 Gymnasium's discrete table). */
  actionType: '' | 'continuous' | 'discrete';
  activation: [Activation, Activation, Activation];
  select: 'argmax' | 'argmax-scaled';
  /** `action.table` as JSON text. */
  tableJson: string;
  actionRepeat: number;
  /** Fields of a dropped manifest the form does not show (source, training, copyright, model.input …), kept as they were. */
  extra: Record<string, unknown>;
  extraModel: Record<string, unknown>;
}

/** Form fields a manifest problem is shown under. */
export type DraftField =
  | 'name'
  | 'description'
  | 'format'
  | 'file'
  | 'architecture'
  | 'source'
  | 'style'
  | 'pipelineJson'
  | 'frameStackSize'
  | 'layout'
  | 'actionType'
  | 'tableJson'
  | 'actionRepeat'
  | 'form';

export interface DraftIssue {
  readonly field: DraftField;
  readonly message: string;
}

export const DEFAULT_TABLE_JSON = formatTable(GYMNASIUM_DISCRETE_TABLE);

export function formatTable(table: readonly (readonly number[])[]): string {
  return `[\n${table.map((row) => `  [${row.join(', ')}]`).join(',\n')}\n]`;
}

/** What a file name says about the model format, or undefined for other files. */
export function formatOfFile(name: string): ModelFormat | undefined {
  const lower = name.toLowerCase();
  const base = lower.split('/').pop() ?? lower;
  if (lower.endsWith('.onnx')) return 'onnx';
  if (base === 'model.json') return 'tfjs-layers';
  if (lower.endsWith('.npy')) return 'npy-genome';
  if (lower.endsWith('.pt') || lower.endsWith('.pth')) return 'torch-state-dict';
  if (lower.endsWith('.json') && base !== 'manifest.json') return 'json-genome';
  return undefined;
}

/** The preferred model file among file names: ONNX, then TF.js, then genomes and state_dicts. */
export function guessModelFile(names: readonly string[]): { file: string; format: ModelFormat } | undefined {
  const order: ModelFormat[] = ['onnx', 'tfjs-layers', 'npy-genome', 'torch-state-dict', 'json-genome'];
  for (const format of order) {
    const file = names.find((n) => formatOfFile(n) === format);
    if (file !== undefined) return { file, format };
  }
  return undefined;
}

/** The form's defaults for these files: the schema's defaults, the format and file guessed from the names. */
export function defaultDraft(fileNames: readonly string[]): ManifestDraft {
  const guess = guessModelFile(fileNames);
  const base = fileNames.find((n) => formatOfFile(n) !== undefined) ?? '';
  return {
    name: stripExtension((guess?.file ?? base).split('/').pop() ?? ''),
    description: '',
    format: guess?.format ?? 'onnx',
    file: guess?.file ?? '',
    architecture: '',
    source: 'frame',
    style: 'v3',
    pipelineJson: '[]',
    frameStackSize: 1,
    frameStackFill: 'repeat-first',
    layout: '',
    actionType: '',
    activation: ['none', 'none', 'none'],
    select: 'argmax',
    tableJson: DEFAULT_TABLE_JSON,
    actionRepeat: 1,
    extra: {},
    extraModel: {},
  };
}

function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).slice(0, 80);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

/**
 * The form filled from a dropped manifest.json (leniently: a field it cannot show keeps the
 * default; the schema check later says what is wrong). Fields the form has no control for are kept.
 */
export function draftFromManifest(manifest: unknown, fileNames: readonly string[]): ManifestDraft {
  const draft = defaultDraft(fileNames);
  if (!isRecord(manifest)) return draft;
  const { name, description, model, observation, action, control, manifestVersion: _version, ...extra } = manifest;
  draft.extra = extra;
  if (typeof name === 'string') draft.name = name;
  if (typeof description === 'string') draft.description = description;
  if (isRecord(model)) {
    const { format, file, architecture, sha256: _sha, ...extraModel } = model;
    draft.format = pick(format, MODEL_FORMATS, draft.format);
    if (typeof file === 'string') draft.file = file;
    draft.architecture = typeof architecture === 'string' ? architecture : '';
    draft.extraModel = extraModel;
  }
  if (isRecord(observation)) {
    draft.source = pick(observation.source, ['frame', 'state-v1'] as const, 'frame');
    draft.style = pick(observation.style, ['v3', 'v0'] as const, 'v3');
    if (Array.isArray(observation.pipeline)) draft.pipelineJson = formatPipeline(observation.pipeline);
    if (isRecord(observation.frameStack)) {
      draft.frameStackSize = intOr(observation.frameStack.size, 1);
      draft.frameStackFill = pick(observation.frameStack.fill, ['repeat-first', 'zeros'] as const, 'repeat-first');
    }
    if (isRecord(observation.tensor)) draft.layout = pick(observation.tensor.layout, ['', ...TENSOR_LAYOUTS], '');
  }
  if (isRecord(action)) {
    draft.actionType = pick(action.type, ['', 'continuous', 'discrete'] as const, '');
    if (Array.isArray(action.activation) && action.activation.length === 3) {
      const a = action.activation.map((v) => pick(v, ['none', 'tanh', 'sigmoid'] as const, 'none'));
      draft.activation = [a[0]!, a[1]!, a[2]!];
    }
    draft.select = pick(action.select, ['argmax', 'argmax-scaled'] as const, 'argmax');
    if (Array.isArray(action.table)) draft.tableJson = formatTable(action.table as number[][]);
  }
  if (isRecord(control)) draft.actionRepeat = intOr(control.actionRepeat, 1);
  return draft;
}

function formatPipeline(pipeline: readonly unknown[]): string {
  if (pipeline.length === 0) return '[]';
  return `[\n${pipeline.map((op) => `  ${JSON.stringify(op)}`).join(',\n')}\n]`;
}

/** Which form field a schema path belongs to. */
function fieldOfPath(path: string): DraftField {
  if (path === 'name') return 'name';
  if (path === 'description') return 'description';
  if (path.startsWith('model.format')) return 'format';
  if (path.startsWith('model.file')) return 'file';
  if (path.startsWith('model.architecture')) return 'architecture';
  if (path.startsWith('observation.pipeline')) return 'pipelineJson';
  if (path.startsWith('observation.frameStack')) return 'frameStackSize';
  if (path.startsWith('observation.tensor')) return 'layout';
  if (path.startsWith('observation.source')) return 'source';
  if (path.startsWith('observation.style')) return 'style';
  if (path.startsWith('action.table')) return 'tableJson';
  if (path.startsWith('action')) return 'actionType';
  if (path.startsWith('control')) return 'actionRepeat';
  return 'form';
}

/** The form's label of each field, for messages. */
const FIELD_LABELS: Partial<Record<DraftField, string>> = {
  name: 'Name',
  description: 'Description',
  format: 'Model format',
  file: 'Model file',
  architecture: 'Architecture',
  source: 'Observation',
  style: 'Trained on',
  pipelineJson: 'Pipeline',
  frameStackSize: 'Frames stacked',
  layout: 'Tensor layout',
  actionType: 'Action',
  tableJson: 'Action table',
  actionRepeat: 'Decides every',
};

/** zod's wording made plainer: "Too big: expected number to be <=16" → "at most 16". */
export function plainSchemaMessage(message: string): string {
  const big = /^Too big: expected \w+ to (?:be|have) <=?(\S+?)( items| characters)?$/.exec(message);
  if (big !== null) return `at most ${big[1]}${big[2] ?? ''}`;
  const small = /^Too small: expected \w+ to (?:be|have) >=?(\S+?)( items| characters)?$/.exec(message);
  if (small !== null) return `at least ${small[1]}${small[2] ?? ''}`;
  if (/expected number, received NaN/.test(message)) return 'a number is needed';
  return message.replace(/^Invalid input: /, '');
}

function parseJsonField(text: string, field: DraftField, what: string, issues: DraftIssue[]): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    issues.push({
      field,
      message: `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
    });
    return undefined;
  }
}

export interface DraftManifest {
  /** The manifest object to send (present even with issues, for the preview). */
  readonly manifest: Record<string, unknown>;
  readonly issues: readonly DraftIssue[];
}

/**
 * The manifest the form describes, and what is wrong with it: the schema's complaints mapped to
 * the form's fields, plus the model file missing from the upload (when the names are known).
 */
export function manifestFromDraft(draft: ManifestDraft, fileNames: readonly string[] | null): DraftManifest {
  const issues: DraftIssue[] = [];
  const pipeline = parseJsonField(draft.pipelineJson.trim() || '[]', 'pipelineJson', 'The pipeline', issues);
  const needsArchitecture =
    draft.format === 'npy-genome' || draft.format === 'json-genome' || draft.format === 'torch-state-dict';
  const model: Record<string, unknown> = { ...draft.extraModel, format: draft.format, file: draft.file.trim() };
  if (needsArchitecture && draft.architecture !== '') model.architecture = draft.architecture;
  const observation: Record<string, unknown> = {
    source: draft.source,
    style: draft.style,
    pipeline: pipeline ?? [],
    frameStack: { size: draft.frameStackSize, fill: draft.frameStackFill },
    tensor: draft.layout === '' ? { dtype: 'float32' } : { layout: draft.layout, dtype: 'float32' },
  };
  const manifest: Record<string, unknown> = { manifestVersion: 1, ...draft.extra };
  if (draft.name.trim() !== '') manifest.name = draft.name.trim();
  if (draft.description.trim() !== '') manifest.description = draft.description.trim();
  manifest.model = model;
  manifest.observation = observation;
  if (draft.actionType === 'continuous') {
    manifest.action = { type: 'continuous', activation: draft.activation };
  } else if (draft.actionType === 'discrete') {
    const table = parseJsonField(draft.tableJson, 'tableJson', 'The action table', issues);
    manifest.action = { type: 'discrete', select: draft.select, table: table ?? [] };
  }
  manifest.control = { actionRepeat: draft.actionRepeat };

  if (needsArchitecture && draft.architecture === '') {
    issues.push({
      field: 'architecture',
      message: `Choose the built-in architecture this ${FORMAT_LABELS[draft.format]} fills.`,
    });
  }
  if (draft.file.trim() === '') {
    issues.push({ field: 'file', message: 'Choose the model file.' });
  } else if (fileNames !== null && !fileNames.includes(draft.file.trim())) {
    issues.push({ field: 'file', message: `${draft.file.trim()} is not among the files to upload.` });
  }
  if (!issues.some((i) => i.field === 'pipelineJson' || i.field === 'tableJson')) {
    const parsed = parseAgentManifest(manifest);
    if (!parsed.ok) {
      for (const issue of parsed.issues) {
        const field = fieldOfPath(issue.path);
        if (field === 'architecture' && issues.some((i) => i.field === 'architecture')) continue;
        const label = FIELD_LABELS[field];
        const where = label === undefined ? issue.path : `${label} (${issue.path})`;
        issues.push({ field, message: `${where}: ${plainSchemaMessage(issue.message)}.` });
      }
    }
  }
  return { manifest, issues };
}
