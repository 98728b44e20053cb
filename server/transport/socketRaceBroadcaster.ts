import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/events.ts';
import type { RaceBroadcaster } from '../rooms/raceBroadcaster.ts';

export type ArenaIo = Server<ClientToServerEvents, ServerToClientEvents, ArenaServerEvents, SocketData>;

/** Between server processes (socket.io's serverSideEmit, through the Redis adapter). */
export interface ArenaServerEvents {
  /** Someone started watching race `raceId`: the process running it goes back to real time. */
  'race:watched': (raceId: string) => void;
  /** An agent was uploaded or deleted through another process: refresh this one's catalog. */
  'agent:stored': (agentId: string) => void;
  'agent:deleted': (agentId: string) => void;
}

/** What the transport remembers per socket. */
export interface SocketData {
  /** The race this socket watches or drives. */
  raceId?: string;
  /** The car it drives, if any. */
  carIndex?: number;
  /** Highest input seq seen from it. */
  lastSeq?: number;
}

/** socket.io channel of a race: its spectators and drivers. */
export function raceChannel(raceId: string): string {
  return `race:${raceId}`;
}

/** Publishes rooms' output to their socket.io channels. */
export class SocketRaceBroadcaster implements RaceBroadcaster {
  private io: ArenaIo | null = null;

  attach(io: ArenaIo): void {
    this.io = io;
  }

  state(raceId: string, state: Parameters<RaceBroadcaster['state']>[1]): void {
    this.io?.to(raceChannel(raceId)).emit('race:state', state);
  }

  snapshot(raceId: string, snapshot: Uint8Array): void {
    this.io?.to(raceChannel(raceId)).emit('race:snapshot', snapshot);
  }

  event(raceId: string, event: Parameters<RaceBroadcaster['event']>[1]): void {
    this.io?.to(raceChannel(raceId)).emit('race:event', event);
  }

  results(raceId: string, results: Parameters<RaceBroadcaster['results']>[1]): void {
    this.io?.to(raceChannel(raceId)).emit('race:results', results);
  }

  lobby(races: Parameters<RaceBroadcaster['lobby']>[0]): void {
    this.io?.emit('lobby:update', races);
  }
}
