import type { RaceEventMessage, RaceListing, RaceResults, RaceStateMessage } from '../../shared/protocol/events.ts';

/**
 * Where rooms publish; transport/ implements it over socket.io. Rooms never hold sockets, so
 * they run the same with a recording broadcaster in tests.
 */
export interface RaceBroadcaster {
  state(raceId: string, state: RaceStateMessage): void;
  snapshot(raceId: string, snapshot: Uint8Array): void;
  event(raceId: string, event: RaceEventMessage): void;
  results(raceId: string, results: RaceResults): void;
  lobby(races: readonly RaceListing[]): void;
}
