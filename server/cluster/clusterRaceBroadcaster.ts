/**
 * A RaceBroadcaster for one process among several: race output goes to the race's socket.io
 * channel as before (the Redis adapter carries it to every web process), and the lobby goes
 * through the RaceDirectory, so `lobby:update` lists every process's races.
 */
import type { RaceListing, RaceStateMessage } from '../../shared/protocol/events.ts';
import type { Logger } from '../log.ts';
import type { RaceBroadcaster } from '../rooms/raceBroadcaster.ts';
import type { RaceDirectory } from './raceDirectory.ts';

export interface ClusterRaceBroadcasterOptions {
  readonly inner: RaceBroadcaster;
  readonly directory: RaceDirectory;
  /** Sends the whole cluster's lobby to every client (io.emit through the adapter). */
  readonly emitLobby: (races: readonly RaceListing[]) => void;
  readonly log: Logger;
  /**
   * Also re-send the lobby when it changed without anyone saying so (a process died and its races
   * expired). Web processes do; a worker need not. [default: false]
   */
  readonly announceExpiries?: boolean;
}

export class ClusterRaceBroadcaster implements RaceBroadcaster {
  private races: readonly RaceListing[] = [];
  private readonly states = new Map<string, RaceStateMessage>();
  private flushing: Promise<void> | null = null;
  private dirty = false;
  private lastAnnounced = '';
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ClusterRaceBroadcasterOptions) {
    this.heartbeat = setInterval(() => this.renew(), Math.max(1000, Math.floor(options.directory.ttlMs / 3)));
    this.heartbeat.unref();
    this.markDirty();
  }

  state(raceId: string, state: RaceStateMessage): void {
    this.states.set(raceId, state);
    this.options.inner.state(raceId, state);
    this.markDirty();
  }

  snapshot(raceId: string, snapshot: Uint8Array): void {
    this.options.inner.snapshot(raceId, snapshot);
  }

  event(raceId: string, event: Parameters<RaceBroadcaster['event']>[1]): void {
    this.options.inner.event(raceId, event);
  }

  results(raceId: string, results: Parameters<RaceBroadcaster['results']>[1]): void {
    this.options.inner.results(raceId, results);
  }

  lobby(races: readonly RaceListing[]): void {
    this.races = races;
    const live = new Set(races.map((r) => r.id));
    for (const id of this.states.keys()) if (!live.has(id)) this.states.delete(id);
    this.markDirty();
  }

  /** Settles once what was published so far is in Redis (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
  }

  /** Stops renewing and takes this process's races out of the directory. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.flushed();
    await this.options.directory.withdraw().catch(() => undefined);
  }

  /** Coalesces bursts of changes into one write and one `lobby:update`. */
  private markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        await this.options.directory.publish(this.races, this.states);
        this.announce(await this.options.directory.list());
      }
    } catch (err) {
      this.options.log.warn({ err }, 'could not publish races to the directory');
    } finally {
      this.flushing = null;
    }
  }

  private renew(): void {
    if (this.closed || this.flushing !== null) return;
    this.flushing = (async () => {
      try {
        await this.options.directory.publish(this.races, this.states);
        if (this.options.announceExpiries === true) {
          const races = await this.options.directory.list();
          if (JSON.stringify(races) !== this.lastAnnounced) this.announce(races);
        }
      } catch (err) {
        this.options.log.warn({ err }, 'could not renew this process in the race directory');
      } finally {
        this.flushing = null;
      }
    })();
  }

  private announce(races: readonly RaceListing[]): void {
    this.lastAnnounced = JSON.stringify(races);
    this.options.emitLobby(races);
  }
}
