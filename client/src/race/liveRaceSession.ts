import type { RaceEventMessage, RaceResults, RaceStateMessage, Reply } from '../../../shared/protocol/events.ts';
import { unpackSnapshot, type Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import type { ClientApp } from '../clientApp.ts';

export interface LiveRaceHandlers {
  onState(state: RaceStateMessage): void;
  onSnapshot(snapshot: Snapshot, receivedMs: number): void;
  onEvent(event: RaceEventMessage): void;
  onResults(results: RaceResults): void;
  /** A request failed (race not found, not joinable...): a message for people. */
  onError(message: string): void;
  /** Joined as a driver: the car index. */
  onJoined(carIndex: number): void;
}

const tokenKey = (raceId: string): string => `arena.token.${raceId}`;

/**
 * One race followed over the app's socket: joins it as a driver (`race:join`, keeping the
 * reconnect token in sessionStorage so a reload or a dropped connection gets the same car back)
 * or spectates it, and hands every message on, snapshots decoded. Re-joins after a reconnect.
 */
export class LiveRaceSession {
  ownCar: number | null = null;
  private disposed = false;
  private readonly onState = (state: RaceStateMessage): void => {
    if (state.raceId === this.raceId) this.handlers.onState(state);
  };
  private readonly onSnapshotBytes = (bytes: Uint8Array | ArrayBuffer): void => {
    try {
      this.handlers.onSnapshot(
        unpackSnapshot(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)),
        performance.now(),
      );
    } catch (error) {
      console.warn('bad snapshot', error);
    }
  };
  private readonly onEvent = (event: RaceEventMessage): void => this.handlers.onEvent(event);
  private readonly onResults = (results: RaceResults): void => {
    if (results.raceId === this.raceId) this.handlers.onResults(results);
  };
  private readonly onReconnect = (): void => this.enter();

  constructor(
    private readonly app: ClientApp,
    readonly raceId: string,
    private readonly mode: 'join' | 'spectate',
    private readonly handlers: LiveRaceHandlers,
  ) {}

  start(): void {
    const socket = this.app.socket;
    socket.on('race:state', this.onState);
    socket.on('race:snapshot', this.onSnapshotBytes);
    socket.on('race:event', this.onEvent);
    socket.on('race:results', this.onResults);
    socket.io.on('reconnect', this.onReconnect);
    this.enter();
  }

  /** Asks for (or gets) the rematch room; its id, or null with onError called. */
  async rematch(): Promise<string | null> {
    const reply = await this.app.socket
      .timeout(5000)
      .emitWithAck('race:rematch', { raceId: this.raceId })
      .catch(() => null);
    if (reply === null || !reply.ok) {
      this.handlers.onError(reply === null ? 'The server did not answer.' : reply.message);
      return null;
    }
    return reply.raceId;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const socket = this.app.socket;
    socket.off('race:state', this.onState);
    socket.off('race:snapshot', this.onSnapshotBytes);
    socket.off('race:event', this.onEvent);
    socket.off('race:results', this.onResults);
    socket.io.off('reconnect', this.onReconnect);
    socket.emit('race:leave');
  }

  private enter(): void {
    const socket = this.app.socket;
    if (this.mode === 'spectate') {
      socket.emit('race:spectate', { raceId: this.raceId }, (reply: Reply) => {
        if (!reply.ok && !this.disposed) this.handlers.onError(reply.message);
      });
      return;
    }
    const token = sessionStorage.getItem(tokenKey(this.raceId)) ?? undefined;
    socket.emit('race:join', { raceId: this.raceId, name: this.app.driverName.slice(0, 24), token }, (reply) => {
      if (this.disposed) return;
      if (!reply.ok) {
        this.handlers.onError(reply.message);
        // Cannot drive (full, started): watch instead.
        socket.emit('race:spectate', { raceId: this.raceId });
        return;
      }
      sessionStorage.setItem(tokenKey(this.raceId), reply.token);
      this.ownCar = reply.carIndex;
      this.handlers.onJoined(reply.carIndex);
    });
  }
}
