/**
 * Uploaded agents as race drivers: PolicyAgentDriver drives one car with a policy from the
 * thread's AgentPolicyCache; StoredAgentDriverFactory plugs them into the driver registry.
 */
import type { CarAction } from '../../../shared/sim/race.ts';
import type { AgentDriver, AgentDriverFactory } from '../../drivers/agentDriver.ts';
import { AgentCarController } from './agentPolicy.ts';
import type { AgentPolicyCache } from './agentPolicyCache.ts';

export class PolicyAgentDriver implements AgentDriver {
  readonly kind = 'agent' as const;
  readonly ready: Promise<AgentCarController>;
  private controller: AgentCarController | null = null;
  private released = false;

  constructor(
    readonly agentId: string,
    private readonly cache: AgentPolicyCache,
  ) {
    this.ready = cache.acquire(agentId).then((policy) => {
      this.controller = new AgentCarController(policy);
      return this.controller;
    });
    // The race awaits `ready` and retires the car on failure; nothing else must see the rejection.
    this.ready.catch(() => undefined);
  }

  act(): CarAction | null {
    return this.controller?.action ?? null;
  }

  dispose(): void {
    if (this.released) return;
    this.released = true;
    this.cache.release(this.agentId);
  }
}

/** Which agents exist and what they are called (the lobby asks before creating a race). */
export interface AgentDirectory {
  has(agentId: string): boolean;
  displayName(agentId: string): string;
}

/** A directory that knows every stored agent by id and name; kept current by the upload API. */
export class AgentCatalog implements AgentDirectory {
  private readonly names = new Map<string, string>();

  set(agentId: string, name: string): void {
    this.names.set(agentId, name);
  }

  delete(agentId: string): void {
    this.names.delete(agentId);
  }

  has(agentId: string): boolean {
    return this.names.has(agentId);
  }

  /** Every agent id the catalog knows. */
  ids(): string[] {
    return [...this.names.keys()];
  }

  displayName(agentId: string): string {
    return this.names.get(agentId) ?? agentId;
  }
}

/**
 * Inside a race worker every agent id the main thread put in a race is taken as existing: the
 * main thread's catalog already checked it, and an agent that cannot be loaded retires its car.
 */
export const WORKER_AGENT_DIRECTORY: AgentDirectory = { has: () => true, displayName: (id) => id };

export class StoredAgentDriverFactory implements AgentDriverFactory {
  constructor(
    private readonly directory: AgentDirectory,
    private readonly cache: AgentPolicyCache,
  ) {}

  has(agentId: string): boolean {
    return this.directory.has(agentId);
  }

  displayName(agentId: string): string {
    return this.directory.displayName(agentId);
  }

  create(agentId: string): AgentDriver {
    return new PolicyAgentDriver(agentId, this.cache);
  }
}
