import type { RaceEventMessage, RaceResults } from '../../shared/protocol/events.ts';
import type { ExternalRetirementReason } from '../../shared/sim/race.ts';
import type { RaceSpec, TickCostStats } from './raceSpec.ts';

/** Main thread → race worker. */
export type WorkerCommand =
  | { readonly type: 'create'; readonly spec: RaceSpec }
  | { readonly type: 'start'; readonly raceId: string }
  | {
      readonly type: 'input';
      readonly raceId: string;
      readonly carIndex: number;
      readonly action: { steer: number; gas: number; brake: number } | null;
    }
  | {
      readonly type: 'retire';
      readonly raceId: string;
      readonly carIndex: number;
      readonly reason: ExternalRetirementReason;
    }
  | { readonly type: 'abort'; readonly raceId: string }
  | { readonly type: 'watched'; readonly raceId: string; readonly watched: boolean };

/** Race worker → main thread; a worker posts them in batches (`WorkerReport[]`, in order). */
export type WorkerReport =
  | { readonly type: 'snapshot'; readonly raceId: string; readonly tick: number; readonly bytes: Uint8Array }
  | { readonly type: 'events'; readonly raceId: string; readonly events: readonly RaceEventMessage[] }
  | { readonly type: 'finished'; readonly raceId: string; readonly results: RaceResults }
  | { readonly type: 'stats'; readonly raceId: string; readonly stats: TickCostStats }
  | { readonly type: 'error'; readonly raceId: string; readonly message: string };

/** What a race worker is started with (`workerData`). */
export interface RaceWorkerData {
  /**
   * postgresql:// URL of the arena's database, where the agents are stored (PrismaAgentStore):
   * the worker opens its own connection. Without it the worker runs no agents.
   */
  readonly databaseUrl?: string;
  /** Engine for the built-in architectures. [default: 'onnxruntime'] */
  readonly builtinBackend?: 'onnxruntime' | 'tfjs';
}
