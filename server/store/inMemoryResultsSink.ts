import type { RaceResults } from '../../shared/protocol/events.ts';
import type { ResultsSink } from '../rooms/resultsSink.ts';

/** Keeps the latest `capacity` results in memory: for tests and tools that run races without a database. */
export class InMemoryResultsSink implements ResultsSink {
  private readonly results: RaceResults[] = [];

  constructor(private readonly capacity = 1000) {}

  async save(results: RaceResults): Promise<void> {
    this.results.push(results);
    if (this.results.length > this.capacity) this.results.shift();
  }

  get(raceId: string): RaceResults | undefined {
    return this.results.find((r) => r.raceId === raceId);
  }

  all(): readonly RaceResults[] {
    return this.results;
  }
}
