/**
 * Turns the files of one upload into a validation report: 'size' (counts, sizes and names of
 * the uploaded files), 'zip' (a single .zip bundle expanded, safely), then the package checks
 * of validateAgentPackage (manifest, model, shapes, weights, trial). Knows no HTTP: the route
 * hands it the received bytes.
 */
import { AgentFormatError } from '../agentFormatError.ts';
import { validateAgentPackage, type AgentPackageInput, type ValidatedAgent } from './validateAgentPackage.ts';
import { ValidationReportBuilder, type ValidationReport } from './validationReport.ts';
import { readZipBundle, type ZipLimits } from './zipBundle.ts';

export interface UploadedFile {
  /** The file name the client sent. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /**
   * How many bytes the client sent, when the receiver stopped keeping them past a limit (so
   * `bytes` holds only the start). [default: bytes.length]
   */
  readonly receivedBytes?: number;
}

export interface UploadFields {
  /** Display name, overriding the manifest's. */
  readonly name?: string;
  /** Manifest JSON text, when sent as a form field rather than a manifest.json file. */
  readonly manifest?: string;
}

export interface UploadLimits {
  /** Largest single file. [default: 50 MiB] */
  readonly maxFileBytes: number;
  /** Largest total of all uploaded files. [default: 50 MiB] */
  readonly maxTotalBytes: number;
  /** Most uploaded files. [default: 16] */
  readonly maxFiles: number;
  /** Longest file name. [default: 255] */
  readonly maxNameLength: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxFiles: 16,
  maxNameLength: 255,
};

export interface UploadValidationOptions {
  readonly limits?: Partial<UploadLimits>;
  readonly zipLimits?: Partial<ZipLimits>;
  /** The package checks. [default: validateAgentPackage] */
  readonly validatePackage?: (
    report: ValidationReportBuilder,
    input: AgentPackageInput,
  ) => Promise<ValidatedAgent | undefined>;
}

export interface UploadValidation {
  readonly report: ValidationReport;
  /** Present when every check passed. */
  readonly agent?: ValidatedAgent;
  /** The agent's files after expanding a bundle: what gets stored. Empty when a check failed before. */
  readonly files: Map<string, Uint8Array>;
}

/** Runs every check of an upload in order and returns the report. */
export async function validateUpload(
  uploaded: readonly UploadedFile[],
  fields: UploadFields,
  options: UploadValidationOptions = {},
): Promise<UploadValidation> {
  const limits: UploadLimits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
  const builder = new ValidationReportBuilder();

  await builder.check(
    'size',
    'file count, names and sizes within the limits',
    () => checkSizes(uploaded, limits),
    (total) => `${uploaded.length} file${uploaded.length === 1 ? '' : 's'}, ${formatBytes(total)}`,
  );

  const files = new Map<string, Uint8Array>();
  await builder.check(
    'zip',
    'a zip bundle expanded safely',
    async () => {
      const zips = uploaded.filter((f) => f.name.toLowerCase().endsWith('.zip'));
      if (zips.length === 0) {
        for (const f of uploaded) files.set(f.name, f.bytes);
        return undefined;
      }
      if (zips.length > 1) {
        throw new AgentFormatError({
          file: zips[1].name,
          field: 'zip',
          expected: 'at most one .zip bundle',
          got: `${zips.length} .zip files`,
        });
      }
      const zip = zips[0];
      const expanded = await readZipBundle(zip.bytes, zip.name, options.zipLimits);
      for (const [path, data] of expanded) files.set(path, data);
      // Files sent beside the bundle (a manifest.json, say) join it; a name in both is ambiguous.
      for (const f of uploaded) {
        if (f === zip) continue;
        if (files.has(f.name)) {
          throw new AgentFormatError({
            file: f.name,
            field: 'zip.entry.name',
            expected: `a file name that is not also inside ${zip.name}`,
            got: JSON.stringify(f.name),
          });
        }
        files.set(f.name, f.bytes);
      }
      return { zip: zip.name, count: expanded.size, bytes: sum([...expanded.values()].map((d) => d.length)) };
    },
    (b) => (b === undefined ? 'no bundle' : `${b.zip}: ${b.count} files, ${formatBytes(b.bytes)}`),
  );

  // After a failed size or zip check the package checks have nothing sound to read: the report
  // ends with the failed check.
  if (builder.hasFailed) return { report: builder.build(), files: new Map() };

  const validate = options.validatePackage ?? validateAgentPackage;
  const input: AgentPackageInput = {
    files,
    ...(fields.manifest === undefined ? {} : { manifestText: fields.manifest }),
    ...(fields.name === undefined ? {} : { name: fields.name }),
  };
  const agent = await validate(builder, input);
  const report = builder.build();
  return report.ok && agent !== undefined ? { report, agent, files } : { report, files: new Map() };
}

/** Checks counts, names and sizes; returns the total byte count. */
function checkSizes(uploaded: readonly UploadedFile[], limits: UploadLimits): number {
  if (uploaded.length === 0) {
    throw new AgentFormatError({
      file: 'upload',
      field: 'files',
      expected: 'at least one file (form field "file")',
      got: 'none',
      hint: 'Send the model file and, unless it is sent as the "manifest" field, a manifest.json.',
    });
  }
  if (uploaded.length > limits.maxFiles) {
    throw new AgentFormatError({
      file: 'upload',
      field: 'files',
      expected: `at most ${limits.maxFiles} files`,
      got: `${uploaded.length} or more`,
    });
  }
  const names = new Set<string>();
  uploaded.forEach((f, i) => {
    const why = unsafeFileName(f.name, limits.maxNameLength);
    if (why !== undefined) {
      throw new AgentFormatError({
        file: 'upload',
        field: `files[${i}].name`,
        expected: 'a plain file name without path separators',
        got: JSON.stringify(f.name.slice(0, limits.maxNameLength + 1)),
        hint: why,
      });
    }
    if (names.has(f.name)) {
      throw new AgentFormatError({
        file: f.name,
        field: `files[${i}].name`,
        expected: 'distinct file names',
        got: `${JSON.stringify(f.name)} twice`,
      });
    }
    names.add(f.name);
    const size = receivedSize(f);
    if (size > limits.maxFileBytes) {
      throw new AgentFormatError({
        file: f.name,
        field: `files[${i}].size`,
        expected: `at most ${limits.maxFileBytes} bytes (${formatBytes(limits.maxFileBytes)})`,
        got: `${size} bytes${size > f.bytes.length ? ' or more' : ''}`,
      });
    }
  });
  const total = sum(uploaded.map(receivedSize));
  if (total > limits.maxTotalBytes) {
    throw new AgentFormatError({
      file: 'upload',
      field: 'size',
      expected: `at most ${limits.maxTotalBytes} bytes in all (${formatBytes(limits.maxTotalBytes)})`,
      got: `${total} bytes`,
    });
  }
  return total;
}

/** Why a client-sent file name is refused, or undefined when it is a plain base name. */
function unsafeFileName(name: string, maxLength: number): string | undefined {
  if (name.length === 0) return 'The file name is empty.';
  if (name.length > maxLength) return `The file name is longer than ${maxLength} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'The file name holds a control character.';
  if (name.includes('/') || name.includes('\\')) return 'The file name holds a path separator.';
  if (name === '.' || name === '..') return 'The file name is a directory reference.';
  if (/^[A-Za-z]:/.test(name)) return 'The file name starts with a drive letter.';
  return undefined;
}

function receivedSize(f: UploadedFile): number {
  return Math.max(f.bytes.length, f.receivedBytes ?? 0);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
