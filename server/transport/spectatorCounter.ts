/**
 * Counts each local race's spectators (sockets in its channel that drive no car) about once a
 * second and gives the count to the room, which lists it in the lobby. With the Redis adapter the
 * count spans every web process (`fetchSockets` asks them all).
 */
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import { raceChannel, type ArenaIo } from './socketRaceBroadcaster.ts';

export function startSpectatorCounter(io: ArenaIo, lobby: Lobby, log: Logger, everyMs = 1000): () => void {
  let counting = false;
  const count = async (): Promise<void> => {
    if (counting) return; // a slow round (a process not answering) is not stacked up
    counting = true;
    try {
      for (const race of lobby.list()) {
        if (!lobby.has(race.id)) continue;
        const sockets = await io.in(raceChannel(race.id)).fetchSockets();
        if (lobby.has(race.id))
          lobby.get(race.id).setSpectators(sockets.filter((s) => s.data.carIndex === undefined).length);
      }
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
