/**
 * The agent runtime of one server process: the catalog of stored agents (what the lobby may put
 * in a race), the driver factory the race hosts use, the seed agents imported into the store
 * on first start, and the hooks the upload API calls.
 */
import type { AgentDriverRegistry } from '../drivers/agentDriver.ts';
import type { Logger } from '../log.ts';
import { AgentPolicyCache, type AgentFilesLoader } from './runtime/agentPolicyCache.ts';
import type { LoadOptions } from './runtime/loadAgentPolicy.ts';
import { AgentCatalog, StoredAgentDriverFactory, type AgentDirectory } from './runtime/policyAgentDriver.ts';
import { readHouseAgents, readSeedAgents, type SeedAgent } from './seedAgents.ts';
import type { AgentStore } from './store/agentStore.ts';
import { validateAgentPackage } from './upload/validateAgentPackage.ts';
import { ValidationReportBuilder } from './upload/validationReport.ts';

/** An agent's files as the runtime loads them: the stored files and the stored (effective) manifest. */
export function storeFilesLoader(store: AgentStore): AgentFilesLoader {
  return async (agentId) => {
    const record = await store.get(agentId);
    const files = record === undefined ? undefined : await store.loadFiles(agentId);
    if (record === undefined || files === undefined) return undefined;
    return { agentId, name: record.name, files, manifestText: JSON.stringify(record.manifest) };
  };
}

/** Registers stored agents as drivers in a thread's registry (the main thread or a race worker). */
export function registerStoredAgents(
  registry: AgentDriverRegistry,
  directory: AgentDirectory,
  store: AgentStore,
  options: LoadOptions = {},
): { cache: AgentPolicyCache; unregister: () => void } {
  const cache = new AgentPolicyCache(storeFilesLoader(store), options);
  const unregister = registry.register(new StoredAgentDriverFactory(directory, cache));
  return { cache, unregister };
}

export interface AgentRuntime {
  readonly catalog: AgentCatalog;
  /** Settles once the seed agents are in the store and the catalog (they validate on first start). */
  readonly seedsReady: Promise<void>;
  onAgentStored(id: string): Promise<void>;
  onAgentDeleted(id: string): void;
  /** Takes this runtime's drivers out of the registry. */
  close(): void;
}

export interface AgentRuntimeOptions {
  readonly store: AgentStore;
  readonly registry: AgentDriverRegistry;
  readonly log: Logger;
  /** Engine for the built-in architectures. [default: 'onnxruntime'] */
  readonly builtinBackend?: 'onnxruntime' | 'tfjs';
  /** Seed agents to import when missing. [default: agents/seed, then agents/house] */
  readonly seeds?: readonly SeedAgent[];
}

export async function startAgentRuntime(options: AgentRuntimeOptions): Promise<AgentRuntime> {
  const { store, log } = options;
  const catalog = new AgentCatalog();
  for (const record of await store.list()) catalog.set(record.id, record.name);
  const builtinBackend = options.builtinBackend ?? 'onnxruntime';
  const { unregister } = registerStoredAgents(options.registry, catalog, store, { logger: log, builtinBackend });

  const seedsReady = importSeeds(
    options.seeds ?? [...readSeedAgents(), ...readHouseAgents()],
    store,
    catalog,
    log,
    builtinBackend,
  );
  return {
    catalog,
    seedsReady,
    async onAgentStored(id) {
      const record = await store.get(id);
      if (record !== undefined) catalog.set(id, record.name);
    },
    onAgentDeleted(id) {
      catalog.delete(id);
    },
    close: unregister,
  };
}

/** Validates and stores every seed agent the store does not have yet, one after the other. */
async function importSeeds(
  seeds: readonly SeedAgent[],
  store: AgentStore,
  catalog: AgentCatalog,
  log: Logger,
  builtinBackend: 'onnxruntime' | 'tfjs',
) {
  for (const seed of seeds) {
    if (catalog.has(seed.agentId)) continue;
    const report = new ValidationReportBuilder();
    const agent = await validateAgentPackage(
      report,
      { files: seed.files, manifestText: seed.manifestText, name: seed.name },
      { builtinBackend },
    );
    const built = report.build();
    if (agent === undefined) {
      log.error({ agentId: seed.agentId, report: built }, 'seed agent failed validation');
      continue;
    }
    let record;
    try {
      record = await store.create({ id: seed.agentId, ...agent, report: built }, seed.files);
    } catch (error) {
      // Several web processes starting together on one database: another one imported it first.
      const stored = await store.get(seed.agentId);
      if (stored === undefined) throw error;
      catalog.set(stored.id, stored.name);
      continue;
    }
    catalog.set(record.id, record.name);
    log.info({ agentId: record.id, trial: built.trial }, 'seed agent imported');
  }
}
