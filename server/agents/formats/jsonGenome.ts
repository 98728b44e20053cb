/**
 * JSON genome (agents.md §7): `{ architecture, dtype: "float32", length, data_b64 }`, where
 * `data_b64` is base64 of the little-endian float32 bytes — a genome a browser or a script can
 * send without a 787k-number array. Lengths are checked before anything is decoded.
 */
import { z } from 'zod';
import { AgentFormatError } from '../agentFormatError.ts';

export interface JsonGenome {
  readonly architecture: string;
  readonly data: Float32Array;
}

const jsonGenomeSchema = z.strictObject({
  architecture: z.string().min(1).max(64),
  dtype: z.literal('float32'),
  length: z
    .int()
    .min(1)
    .max(64 * 1024 * 1024),
  data_b64: z.string(),
});

/** Largest JSON genome file: 64 Mi floats in base64 plus the wrapper. */
const MAX_JSON_GENOME_BYTES = 350 * 1024 * 1024;

export function readJsonGenome(bytes: Uint8Array, file = 'genome.json'): JsonGenome {
  const fail = (field: string, expected: string, got: string, hint?: string): never => {
    throw new AgentFormatError({ file, field, expected, got, ...(hint === undefined ? {} : { hint }) });
  };
  if (bytes.length > MAX_JSON_GENOME_BYTES) fail('(file)', `at most ${MAX_JSON_GENOME_BYTES} bytes`, `${bytes.length}`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    return fail('(file)', 'a JSON document', error instanceof Error ? error.message : 'unreadable text');
  }
  const parsed = jsonGenomeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      issue.path.map(String).join('.') || '(root)',
      '{ architecture: string, dtype: "float32", length: integer, data_b64: base64 }',
      issue.message,
    );
  }
  const { architecture, length, data_b64: b64 } = parsed.data;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    fail('data_b64', 'standard base64 (A-Z a-z 0-9 + /, padded with =)', 'other characters or a bad length');
  }
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const byteLength = (b64.length / 4) * 3 - padding;
  if (byteLength !== length * 4) {
    fail('data_b64', `${length * 4} bytes (length ${length} × 4)`, `${byteLength} bytes`);
  }
  const raw = Buffer.from(b64, 'base64');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = view.getFloat32(4 * i, true);
  return { architecture, data };
}

/** The JSON genome of `data` (what `export` tools and tests write). */
export function writeJsonGenome(architecture: string, data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return JSON.stringify({
    architecture,
    dtype: 'float32',
    length: data.length,
    data_b64: Buffer.from(bytes).toString('base64'),
  });
}
