/**
 * Locates the read-only reference material (`../shared` beside the checkout) that the
 * tests compare the port against: dumps from the real Gymnasium CarRacing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePngToRgb } from '../../server/cli/observationPng.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.ARENA_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
export const SPEC_REFERENCE_DIR = resolve(SHARED_DIR, 'spec/carracing_reference');
export const REF_DATA_DIR = resolve(SHARED_DIR, 'ref/data');

// The reference data is required, never optional: a test that cannot find it must fail, not skip.
if (!existsSync(SPEC_REFERENCE_DIR) || !existsSync(REF_DATA_DIR)) {
  throw new Error(
    `reference data not found under ${SHARED_DIR} (expected spec/carracing_reference and ref/data); ` +
      'the tests compare the port with recordings of the real Gymnasium and need ../shared beside the checkout ' +
      '(or ARENA_SHARED_DIR)',
  );
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A reference PNG as row-major RGB bytes (alpha dropped). */
export function readPngRgb(path: string): Uint8Array {
  return decodePngToRgb(readFileSync(path)).rgb;
}
