/**
 * The loaded agents of one thread (the main thread, or a race worker): each agent's model is
 * loaded once however many cars and races use it — which is also what lets a race batch the
 * cars of one agent into one model call — and freed when the last of them lets it go.
 */
import type { AgentPolicy } from './agentPolicy.ts';
import { loadAgentPolicy, type AgentFiles, type LoadOptions } from './loadAgentPolicy.ts';

/** Finds an agent's files (its store); undefined when there is no such agent. */
export type AgentFilesLoader = (agentId: string) => Promise<AgentFiles | undefined>;

interface Entry {
  readonly policy: Promise<AgentPolicy>;
  users: number;
}

export class AgentPolicyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly loadFiles: AgentFilesLoader,
    private readonly options: LoadOptions = {},
  ) {}

  /** The agent's policy, loading it on first use; every acquire needs one release. */
  acquire(agentId: string): Promise<AgentPolicy> {
    let entry = this.entries.get(agentId);
    if (entry === undefined) {
      const policy = this.load(agentId);
      entry = { policy, users: 0 };
      this.entries.set(agentId, entry);
      // A failed load is not kept: the next race tries again.
      policy.catch(() => {
        if (this.entries.get(agentId) === entry) this.entries.delete(agentId);
      });
    }
    entry.users++;
    return entry.policy;
  }

  release(agentId: string): void {
    const entry = this.entries.get(agentId);
    if (entry === undefined) return;
    entry.users--;
    if (entry.users > 0) return;
    this.entries.delete(agentId);
    void entry.policy.then(
      (p) => p.model.dispose(),
      () => undefined,
    );
  }

  /** Agents loaded or loading now. */
  get size(): number {
    return this.entries.size;
  }

  private async load(agentId: string): Promise<AgentPolicy> {
    const files = await this.loadFiles(agentId);
    if (files === undefined) throw new Error(`no agent ${agentId}`);
    return loadAgentPolicy(files, this.options);
  }
}
