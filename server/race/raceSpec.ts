import type { DriverSpec } from '../drivers/driver.ts';
import type { ExternalRetirementReason } from '../../shared/sim/race.ts';
import type { RaceEventMessage, RaceResults } from '../../shared/protocol/events.ts';

/** Everything a race host needs to run one race, as plain data (it crosses into workers). */
export interface RaceSpec {
  readonly raceId: string;
  readonly seed: number;
  readonly laps: number;
  readonly timeLimitTicksPerLap: number;
  readonly cars: readonly { readonly id: string; readonly name: string; readonly driver: DriverSpec }[];
}

export interface TickCostStats {
  readonly ticks: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Whole ticks the loop dropped after stalls. */
  readonly droppedTicks: number;
  /** Agents' model-call latencies since the previous report, by model format. */
  readonly decisionLatencies?: readonly { readonly format: string; readonly latenciesMs: readonly number[] }[];
}

/** What a running race reports to its room. */
export interface RaceHostListener {
  onSnapshot(snapshot: Uint8Array, tick: number): void;
  onEvents(events: readonly RaceEventMessage[]): void;
  onFinished(results: RaceResults): void;
  onStats(stats: TickCostStats): void;
  onError(error: Error): void;
}

/** One race running somewhere (this thread or a worker); the room talks to it only through this. */
export interface RaceHost {
  /** Starts the 50 Hz loop. */
  start(): void;
  /** A human's clamped input, applied from the next tick. */
  setInput(carIndex: number, action: { steer: number; gas: number; brake: number } | null): void;
  /** Retires a car before the next tick. */
  retire(carIndex: number, reason: ExternalRetirementReason): void;
  /** Stops the race where it is; `onFinished` follows with `aborted: true`. */
  abort(): void;
  /**
   * Whether anyone watches. Unwatched (a queued ladder race with no spectator), the race runs as
   * fast as it computes and sends no snapshots; watched again, it is back to 50 Hz with the
   * current snapshot at once. Races start watched.
   */
  setWatched(watched: boolean): void;
}

export interface RaceHostFactory {
  /** Builds the race; the first snapshot (the grid) reaches `listener` soon after. */
  create(spec: RaceSpec, listener: RaceHostListener): RaceHost;
  close(): Promise<void>;
}
