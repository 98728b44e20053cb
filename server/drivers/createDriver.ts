import { agentDriverRegistry, type AgentDriverRegistry } from './agentDriver.ts';
import { BotDriver } from './botDriver.ts';
import type { Driver, DriverSpec } from './driver.ts';
import { HumanDriver } from './humanDriver.ts';

export function createDriver(spec: DriverSpec, agents: AgentDriverRegistry = agentDriverRegistry): Driver {
  switch (spec.kind) {
    case 'human':
      return new HumanDriver();
    case 'bot':
      return new BotDriver(spec.difficulty);
    case 'agent':
      return agents.create(spec.agentId);
  }
}
