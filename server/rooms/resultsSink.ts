import type { RaceResults } from '../../shared/protocol/events.ts';

/** Where finished races go; the persistence issue adds a database-backed sink. */
export interface ResultsSink {
  save(results: RaceResults): Promise<void>;
}
