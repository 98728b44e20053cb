/**
 * The ladder: whenever fewer than `concurrency` ladder races are running, it opens another among
 * the stored agents and the built-in bots (ladderPairing.ts), on a random seed, with no wait for
 * humans. Spectators watch ladder races like any other (they are listed with `ladder: true`);
 * their rated results fill the boards by themselves.
 */
import { randomInt } from 'node:crypto';
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import type { Scheduler, TimerHandle } from '../race/clock.ts';
import { pickLadderLineup, type LadderCandidate, type RandomSource } from './ladderPairing.ts';

/** The agents the ladder may race, with their current rating (ordinal, races). */
export type LadderCandidateSource = () => Promise<LadderCandidate[]>;

export interface LadderOptions {
  readonly lobby: Lobby;
  readonly candidates: LadderCandidateSource;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Ladder races at once. */
  readonly concurrency: number;
  /** How often it looks for free capacity, ms. [default: 2000] */
  readonly intervalMs?: number;
  /** Laps per ladder race. [default: 1] */
  readonly laps?: number;
  readonly random?: RandomSource;
}

const MAX_SEED = 2 ** 31 - 1;

export class LadderScheduler {
  private timer: TimerHandle | null = null;
  private running = false;
  private filling: Promise<void> | null = null;
  private readonly random: RandomSource;

  constructor(private readonly options: LadderOptions) {
    this.random = options.random ?? (() => randomInt(2 ** 30) / 2 ** 30);
  }

  start(): void {
    if (this.running || this.options.concurrency <= 0) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
    await this.filling;
  }

  /** Opens races until `concurrency` ladder races run (or no agent is free); returns the new race ids. */
  async fill(): Promise<string[]> {
    const opened: string[] = [];
    const live = this.options.lobby.list().filter((r) => r.ladder && r.status !== 'finished');
    let running = live.length;
    if (running >= this.options.concurrency) return opened;
    const candidates = await this.options.candidates();
    const busy = new Set<string>();
    for (const race of live) for (const id of this.options.lobby.get(race.id).agentIds()) busy.add(id);
    while (running < this.options.concurrency) {
      const lineup = pickLadderLineup(candidates, busy, this.random);
      if (lineup === null) break;
      const room = this.options.lobby.create(
        {
          laps: this.options.laps ?? 1,
          seed: randomInt(MAX_SEED),
          bots: lineup.bots.map((difficulty) => ({ difficulty })),
          agents: lineup.agents,
          maxCars: lineup.agents.length + lineup.bots.length,
          waitSeconds: 0,
        },
        { ladder: true },
      );
      for (const id of lineup.agents) busy.add(id);
      opened.push(room.id);
      running++;
    }
    if (opened.length > 0) this.options.log.info({ races: opened }, 'ladder races opened');
    return opened;
  }

  private schedule(delayMs: number): void {
    this.timer = this.options.scheduler.setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      this.filling = this.fill()
        .then(() => undefined)
        .catch((err: unknown) => this.options.log.warn({ err }, 'ladder could not open a race'))
        .finally(() => {
          this.filling = null;
          if (this.running) this.schedule(this.options.intervalMs ?? 2000);
        });
    }, delayMs);
  }
}
