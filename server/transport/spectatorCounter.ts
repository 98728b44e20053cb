/**
 * Counts each local race's spectators (sockets in its channel that drive no car) about once a
 * second and gives the count to the room, which lists it in the lobby (see countSpectators).
 */
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import { raceChannel, type ArenaIo } from './socketRaceBroadcaster.ts';

/**
 * Spectators per race (sockets in its channel that drive no car), for any number of races with
 * one `fetchSockets` over their channels: with the Redis adapter it asks every process once, not
 * once per race. A socket follows one race at a time (socket.data.raceId, its channel).
 */
export async function countSpectators(io: ArenaIo, raceIds: readonly string[]): Promise<Map<string, number>> {
  const spectators = new Map<string, number>();
  if (raceIds.length === 0) return spectators;
  const sockets = await io.in(raceIds.map(raceChannel)).fetchSockets();
  for (const { data } of sockets) {
    if (data.raceId !== undefined && data.carIndex === undefined)
      spectators.set(data.raceId, (spectators.get(data.raceId) ?? 0) + 1);
  }
  return spectators;
}

export function startSpectatorCounter(io: ArenaIo, lobby: Lobby, log: Logger, everyMs = 1000): () => void {
  let counting = false;
  const count = async (): Promise<void> => {
    if (counting) return; // a slow round (a process not answering) is not stacked up
    counting = true;
    try {
      const races = lobby.list();
      const spectators = await countSpectators(
        io,
        races.map((r) => r.id),
      );
      for (const race of races) if (lobby.has(race.id)) lobby.get(race.id).setSpectators(spectators.get(race.id) ?? 0);
    } catch (err) {
      log.debug({ err }, 'could not count spectators');
    } finally {
      counting = false;
    }
  };
  const timer = setInterval(() => void count(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
