/**
 * The arena's seed agents (agents/seed/, agents.md §2-§3) and house agents (agents/house/, trained
 * with `npm run train:ga` / `train:dqn`): read from the repository and imported into the agent
 * store at start-up under fixed ids, so they race from the first run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentFiles } from './runtime/loadAgentPolicy.ts';

/** agents/seed at the repository root. */
export const SEED_AGENTS_DIR = resolve(import.meta.dirname, '../../agents/seed');
/** agents/house at the repository root. */
export const HOUSE_AGENTS_DIR = resolve(import.meta.dirname, '../../agents/house');

export interface SeedAgent extends AgentFiles {
  /** Stable id: `seed-<folder>` (`house-<folder>` for house agents). */
  readonly agentId: string;
  readonly name: string;
  readonly manifestText: string;
}

/** Every house agent, with ids `house-<folder>`. */
export function readHouseAgents(dir: string = HOUSE_AGENTS_DIR): SeedAgent[] {
  return existsSync(dir) ? readSeedAgents(dir, 'house') : [];
}

/** Every seed agent: the folder's manifest.json and the model file it names. */
export function readSeedAgents(dir: string = SEED_AGENTS_DIR, idPrefix = 'seed'): SeedAgent[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((folder) => {
      const manifestText = readFileSync(join(dir, folder, 'manifest.json'), 'utf8');
      const manifest = JSON.parse(manifestText) as { name: string; model: { file: string } };
      const file = manifest.model.file;
      return {
        agentId: `${idPrefix}-${folder}`,
        name: manifest.name,
        manifestText,
        files: new Map<string, Uint8Array>([
          ['manifest.json', Buffer.from(manifestText)],
          [file, readFileSync(join(dir, folder, file))],
        ]),
      };
    });
}
