/**
 * The arena's Prometheus metrics, on a registry of its own (not prom-client's global one), so
 * that several arenas in one process (the tests) do not clash.
 *
 * Tick cost: the race loops (in worker threads) do not report each tick, only a summary every
 * 50 ticks (TickCostStats: p50/p99/max over the last 1000 ticks). So:
 * - `arena_race_tick_p99_seconds{race}` is the latest p99 of each running race (a gauge);
 * - `arena_race_tick_duration_seconds` is a histogram of those reports' p50, one observation per
 *   report (about one a second per race) — a distribution of typical tick costs over races and
 *   time, not of single ticks.
 *
 * Agent decision latencies are measured inside the worker threads and not reported out of them
 * yet, so there is no decision-latency metric.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Lobby } from '../lobby/lobby.ts';
import type { RaceHost, RaceHostFactory, RaceHostListener, TickCostStats } from '../race/raceSpec.ts';

/** What the gauges read when Prometheus scrapes. */
export interface ArenaMetricsSources {
  readonly lobby: Lobby;
  /** Connected socket.io clients. */
  readonly sockets: () => number;
  /** Ladder races queued for a race worker (with Redis: BullMQ's waiting jobs). [default: the lobby's open ladder races] */
  readonly queueDepth?: () => Promise<number>;
}

/** Tick-cost buckets, seconds: 0.5 ms to 20 ms (one 50 Hz step). */
export const TICK_SECONDS_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02];

export class ArenaMetrics {
  readonly registry = new Registry();
  private sources: ArenaMetricsSources | null = null;
  private readonly tickDuration: Histogram;
  private readonly resultsWriteFailures: Counter;
  private readonly decisionSeconds: Histogram<'format'>;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.tickDuration = new Histogram({
      name: 'arena_race_tick_duration_seconds',
      help: 'Median tick cost of a race over its last 1000 ticks, observed at each tick-cost report (about 1/s per race)',
      buckets: TICK_SECONDS_BUCKETS,
      registers,
    });
    this.decisionSeconds = new Histogram({
      name: 'arena_agent_decision_seconds',
      help: 'Model call of an agent decision (one batch: the cars of one agent in one race), by model format',
      labelNames: ['format'],
      buckets: TICK_SECONDS_BUCKETS,
      registers,
    });
    this.resultsWriteFailures = new Counter({
      name: 'arena_results_write_failures_total',
      help: 'Race results database writes that failed (the results wait in the outbox)',
      registers,
    });
    const sources = (): ArenaMetricsSources | null => this.sources;
    new Gauge({
      name: 'arena_race_tick_p99_seconds',
      help: 'p99 tick cost of each running race over its last 1000 ticks',
      labelNames: ['race'] as const,
      registers,
      collect() {
        this.reset();
        const lobby = sources()?.lobby;
        if (lobby === undefined) return;
        for (const race of lobby.list()) {
          if (race.status !== 'racing') continue;
          const cost = lobby.get(race.id).tickCost;
          if (cost !== null) this.set({ race: race.id }, cost.p99Ms / 1000);
        }
      },
    });
    new Gauge({
      name: 'arena_races_running',
      help: 'Races in the lobby that are racing',
      registers,
      collect() {
        this.set(
          sources()
            ?.lobby.list()
            .filter((r) => r.status === 'racing').length ?? 0,
        );
      },
    });
    new Gauge({
      name: 'arena_sockets_connected',
      help: 'Connected socket.io clients',
      registers,
      collect() {
        this.set(sources()?.sockets() ?? 0);
      },
    });
    new Gauge({
      name: 'arena_ladder_queue_depth',
      help: 'Ladder races waiting to be run: jobs in the ladder queue (with Redis), else ladder races open in the lobby',
      registers,
      async collect() {
        const queueDepth = sources()?.queueDepth;
        if (queueDepth !== undefined) {
          this.set(await queueDepth().catch(() => Number.NaN));
          return;
        }
        this.set(
          sources()
            ?.lobby.list()
            .filter((r) => r.ladder && r.status !== 'finished').length ?? 0,
        );
      },
    });
  }

  /** Where the gauges read from (the lobby and socket server exist after the metrics). */
  bind(sources: ArenaMetricsSources): void {
    this.sources = sources;
  }

  /** A tick-cost report of a race. */
  observeTickCost(stats: TickCostStats): void {
    this.tickDuration.observe(stats.p50Ms / 1000);
    for (const { format, latenciesMs } of stats.decisionLatencies ?? []) {
      for (const ms of latenciesMs) this.decisionSeconds.observe({ format }, ms / 1000);
    }
  }

  /** A race results write to the database failed. */
  resultsWriteFailed(): void {
    this.resultsWriteFailures.inc();
  }

  /** `hosts`, with every race's tick-cost reports observed here on their way to the room. */
  instrumentHosts(hosts: RaceHostFactory): RaceHostFactory {
    return {
      create: (spec, listener): RaceHost => {
        const observed: RaceHostListener = {
          onSnapshot: (snapshot, tick) => listener.onSnapshot(snapshot, tick),
          onEvents: (events) => listener.onEvents(events),
          onFinished: (results) => listener.onFinished(results),
          onError: (error) => listener.onError(error),
          onStats: (stats) => {
            this.observeTickCost(stats);
            listener.onStats(stats);
          },
        };
        return hosts.create(spec, observed);
      },
      close: () => hosts.close(),
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
