import type { CarAction, RaceState } from '../../shared/sim/race.ts';
import type { Driver } from './driver.ts';

/**
 * EXTENSION POINT for uploaded agents, filled by the agent-runtime issue. Nothing here runs a
 * model: this file fixes the contract a runtime implements and the registry it plugs into.
 *
 * The contract: every `actionRepeat` ticks the car's observation (built with shared/env's
 * `buildRaceObservationScene(race, carIndex)` and rendered with shared/render's
 * `renderObservation`, only for cars whose driver asks for one) goes in, an action comes out
 * within `decisionBudgetMs`; the action is held for the ticks in between. A runtime that misses
 * its budget repeatedly retires the car with `retireCar(race, k, 'agentTimeout')`, which the
 * engine records like any other retirement.
 */
export interface AgentDriver extends Driver {
  readonly kind: 'agent';
  readonly agentId: string;
  /** K: ticks each decision is held (the agent's action repeat). */
  readonly actionRepeat: number;
  /** Wall-clock budget per decision, ms. */
  readonly decisionBudgetMs: number;
  /** Called every tick; returns the held action or a fresh decision. */
  act(race: RaceState, carIndex: number): CarAction | null;
  /** Frees the model when the race ends. */
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

  register(factory: AgentDriverFactory): void {
    this.factories.push(factory);
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
