import type { CarAction, RaceState } from '../../shared/sim/race.ts';
import type { AgentCarController } from '../agents/runtime/agentPolicy.ts';
import type { Driver } from './driver.ts';

/**
 * The driver of an uploaded agent's car. The agent's model is loaded asynchronously (`ready`,
 * awaited by the race before its first tick); each tick the race's RaceDecisions (in
 * server/agents/runtime) feeds the car's observation to the model in a batch with the other
 * cars of the same agent and stores the decoded action in the controller; `act` returns it.
 */
export interface AgentDriver extends Driver {
  readonly kind: 'agent';
  readonly agentId: string;
  /** The car's controller once the agent's model is loaded; rejects when it cannot be. */
  readonly ready: Promise<AgentCarController>;
  /** The action the controller holds (zero controls until the first decision). */
  act(race: RaceState, carIndex: number): CarAction | null;
  /** Releases this car's hold on the model when the race ends. */
  dispose(): void;
}

/** Builds the driver of one agent's car in one race. */
export interface AgentDriverFactory {
  /** Whether this factory can drive `agentId` (an uploaded, loadable agent). */
  has(agentId: string): boolean;
  /** The agent's display name in the lobby. */
  displayName(agentId: string): string;
  create(agentId: string): AgentDriver;
}

/**
 * Where agent runtimes register. The server creates races with agents only when a registered
 * factory has the agent (otherwise AGENT_NOT_FOUND). Races run in worker threads, so a runtime
 * registers in each worker as well: raceWorker.ts imports the same registry module.
 */
export class AgentDriverRegistry {
  private readonly factories: AgentDriverFactory[] = [];

  /** Adds a factory; the returned function removes it again (an arena closing). */
  register(factory: AgentDriverFactory): () => void {
    this.factories.push(factory);
    return () => {
      const i = this.factories.indexOf(factory);
      if (i >= 0) this.factories.splice(i, 1);
    };
  }

  has(agentId: string): boolean {
    return this.factories.some((f) => f.has(agentId));
  }

  displayName(agentId: string): string {
    return this.factories.find((f) => f.has(agentId))?.displayName(agentId) ?? agentId;
  }

  /** Throws when no factory has the agent. */
  create(agentId: string): AgentDriver {
    const factory = this.factories.find((f) => f.has(agentId));
    if (factory === undefined) throw new Error(`no agent driver for ${agentId}`);
    return factory.create(agentId);
  }
}

/** The process's (or worker's) registry. Empty until the agent runtime registers. */
export const agentDriverRegistry = new AgentDriverRegistry();
