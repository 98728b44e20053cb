/**
 * Locates the read-only reference material (`../shared` beside the checkout) that the
 * tests compare the port against: dumps from the real Gymnasium CarRacing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.ARENA_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
export const SPEC_REFERENCE_DIR = resolve(SHARED_DIR, 'spec/carracing_reference');
export const REF_DATA_DIR = resolve(SHARED_DIR, 'ref/data');

export function hasReferenceData(): boolean {
  return existsSync(SPEC_REFERENCE_DIR) && existsSync(REF_DATA_DIR);
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
