import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentDriverRegistry } from '../drivers/agentDriver.ts';
import { Lobby } from '../lobby/lobby.ts';
import { createLogger } from '../log.ts';
import { ManualTime } from '../race/clock.ts';
import { InProcessRaceHostFactory } from '../race/inProcessRaceHostFactory.ts';
import type { RaceBroadcaster } from '../rooms/raceBroadcaster.ts';
import { InMemoryResultsSink } from '../store/inMemoryResultsSink.ts';
import { ResultsOutbox } from '../store/resultsOutbox.ts';
import { ArenaMetrics } from './arenaMetrics.ts';

const log = createLogger('silent');

interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName?: string;
}

async function samples(metrics: ArenaMetrics, name: string): Promise<Sample[]> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return (await metric.get()).values as Sample[];
}

async function value(metrics: ArenaMetrics, name: string, sampleName = name): Promise<number> {
  const found = (await samples(metrics, name)).filter((s) => (s.metricName ?? name) === sampleName);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${sampleName}`);
  return found[0].value;
}

function setup() {
  const time = new ManualTime();
  const metrics = new ArenaMetrics({ defaultMetrics: false });
  const broadcaster: RaceBroadcaster = {
    state: () => {},
    snapshot: () => {},
    event: () => {},
    results: () => {},
    lobby: () => {},
  };
  const lobby = new Lobby({
    clock: time,
    scheduler: time,
    hosts: metrics.instrumentHosts(new InProcessRaceHostFactory(time, time)),
    broadcaster,
    resultsSink: new InMemoryResultsSink(),
    agents: agentDriverRegistry,
    log,
    lobbyWaitMs: 5000,
    disconnectGraceMs: 10_000,
    resultsLingerMs: 1000,
    countdownMs: 3000,
    timeLimitTicksPerLap: 200,
  });
  let sockets = 0;
  metrics.bind({ lobby, sockets: () => sockets });
  return { time, metrics, lobby, setSockets: (n: number) => (sockets = n) };
}

describe('ArenaMetrics', () => {
  it('follows a real lobby: running races, tick cost, ladder races, sockets', async () => {
    const t = setup();
    expect(await value(t.metrics, 'arena_races_running')).toBe(0);
    expect(await value(t.metrics, 'arena_race_tick_duration_seconds', 'arena_race_tick_duration_seconds_count')).toBe(
      0,
    );
    expect(await samples(t.metrics, 'arena_race_tick_p99_seconds')).toEqual([]);

    const room = t.lobby.create({ laps: 1, bots: [{ difficulty: 'hard' }], maxCars: 1, waitSeconds: 0 });
    const ladderRoom = t.lobby.create(
      { laps: 1, bots: [{ difficulty: 'easy' }, { difficulty: 'easy' }], maxCars: 3, waitSeconds: 60 },
      { ladder: true },
    );
    expect(await value(t.metrics, 'arena_ladder_queue_depth')).toBe(1);
    t.time.advance(0);
    t.time.advance(3000);
    expect(room.status).toBe('racing');
    expect(ladderRoom.status).toBe('waiting');
    expect(await value(t.metrics, 'arena_races_running')).toBe(1);

    t.time.advance(60 * 20); // 60 ticks: one tick-cost report (every 50 ticks)
    expect(room.tickCost).not.toBeNull();
    expect(
      await value(t.metrics, 'arena_race_tick_duration_seconds', 'arena_race_tick_duration_seconds_count'),
    ).toBeGreaterThanOrEqual(1);
    expect(await value(t.metrics, 'arena_race_tick_duration_seconds', 'arena_race_tick_duration_seconds_sum')).toBe(
      room.tickCost!.p50Ms / 1000,
    );
    const p99 = await samples(t.metrics, 'arena_race_tick_p99_seconds');
    expect(p99).toEqual([{ value: room.tickCost!.p99Ms / 1000, labels: { race: room.id } }]);

    t.time.advance(200 * 20); // past the time limit
    expect(room.status).toBe('finished');
    expect(await value(t.metrics, 'arena_races_running')).toBe(0);
    expect(await samples(t.metrics, 'arena_race_tick_p99_seconds')).toEqual([]);

    t.setSockets(3);
    expect(await value(t.metrics, 'arena_sockets_connected')).toBe(3);
    await t.lobby.shutdown();
    expect(await value(t.metrics, 'arena_ladder_queue_depth')).toBe(0);
  });

  it('counts failed results writes reported by the outbox', async () => {
    const metrics = new ArenaMetrics({ defaultMetrics: false });
    const outbox = new ResultsOutbox({
      dir: mkdtempSync(join(tmpdir(), 'metrics-outbox-')),
      store: { write: () => Promise.reject(new Error('write refused')) },
      log,
      retryInitialMs: 60_000,
      onWriteFailure: () => metrics.resultsWriteFailed(),
    });
    expect(await value(metrics, 'arena_results_write_failures_total')).toBe(0);
    const t = setup();
    const room = t.lobby.create({ laps: 1, bots: [{ difficulty: 'hard' }], maxCars: 1, waitSeconds: 0 });
    t.time.advance(0);
    t.time.advance(3000 + 200 * 20);
    const results = await room.finished;
    await outbox.save(results);
    expect(await outbox.pending()).toEqual([results.raceId]);
    expect(await value(metrics, 'arena_results_write_failures_total')).toBe(1);
    await outbox.close();
  });

  it('keeps arenas apart and serves default process metrics', async () => {
    const a = new ArenaMetrics();
    const b = new ArenaMetrics();
    a.resultsWriteFailed();
    expect(await value(a, 'arena_results_write_failures_total')).toBe(1);
    expect(await value(b, 'arena_results_write_failures_total')).toBe(0);
    const text = await a.text();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(a.contentType).toMatch(/^text\/plain/);
  });
});
