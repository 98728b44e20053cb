/**
 * The ladder: whenever fewer than `concurrency` ladder races are running, it opens another among
 * the stored agents and the built-in bots (ladderPairing.ts), on a random seed, with no wait for
 * humans. Spectators watch ladder races like any other (they are listed with `ladder: true`);
 * their rated results fill the boards by themselves.
 */
import { randomInt } from 'node:crypto';
import type { CreateRaceRequest } from '../../shared/protocol/schemas.ts';
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import type { Scheduler, TimerHandle } from '../race/clock.ts';
import { MAX_LADDER_CARS, pickLadderLineup, type LadderCandidate, type RandomSource } from './ladderPairing.ts';

/** The agents the ladder may race, with their current rating (ordinal, races). */
export type LadderCandidateSource = () => Promise<LadderCandidate[]>;

/**
 * Where ladder races are opened: this process's lobby, or (with Redis) the queue the race workers
 * take them from (cluster/ladderQueue.ts).
 */
export interface LadderRaces {
  /** Ladder races opened and not finished yet, and the agents seated in them. */
  live(): Promise<{ readonly count: number; readonly agents: ReadonlySet<string> }>;
  /** Opens one; returns its race id. */
  open(request: CreateRaceRequest): Promise<string>;
  /**
   * Runs one fill alone among every scheduler sharing these races (several web processes);
   * resolves null without running it when another holds the turn. [default: always runs]
   */
  exclusive?<T>(fill: () => Promise<T>): Promise<T | null>;
}

/** Ladder races in this process's lobby. */
export function lobbyLadderRaces(lobby: Lobby): LadderRaces {
  return {
    live: async () => {
      const live = lobby.list().filter((r) => r.ladder && r.status !== 'finished');
      const agents = new Set<string>();
      for (const race of live) for (const id of lobby.get(race.id).agentIds()) agents.add(id);
      return { count: live.length, agents };
    },
    open: async (request) => lobby.create(request, { ladder: true }).id,
  };
}

export interface LadderOptions {
  readonly races: LadderRaces;
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
    const { races } = this.options;
    if (races.exclusive === undefined) return this.fillNow();
    return (await races.exclusive(() => this.fillNow())) ?? [];
  }

  private async fillNow(): Promise<string[]> {
    const opened: string[] = [];
    const live = await this.options.races.live();
    let running = live.count;
    if (running >= this.options.concurrency) return opened;
    const candidates = await this.options.candidates();
    const busy = new Set<string>(live.agents);
    while (running < this.options.concurrency) {
      // Spread the free agents over the races still to open, so that `concurrency` races can run
      // (rather than the first race taking every agent and the others none).
      const free = candidates.filter((c) => !busy.has(c.agentId)).length;
      const share = Math.max(1, Math.ceil(free / (this.options.concurrency - running)));
      const lineup = pickLadderLineup(candidates, busy, this.random, Math.min(share, MAX_LADDER_CARS - 1));
      if (lineup === null) break;
      const id = await this.options.races.open({
        laps: this.options.laps ?? 1,
        seed: randomInt(MAX_SEED),
        bots: lineup.bots.map((difficulty) => ({ difficulty })),
        agents: lineup.agents,
        maxCars: lineup.agents.length + lineup.bots.length,
        waitSeconds: 0,
      });
      for (const agentId of lineup.agents) busy.add(agentId);
      opened.push(id);
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
