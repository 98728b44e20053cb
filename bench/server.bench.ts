/**
 * `npm run bench:server`: the race server on this machine.
 *  1. p50/p99 tick cost of one 8-bot race without observations (engine on the main thread);
 *  2. the largest N of concurrent 8-bot races that hold 50 Hz in the worker pool;
 *  3. snapshot bytes per second received by one spectator of an 8-car race (socket.io, websocket).
 *
 * Targets (issue 3): p99 tick <= 4 ms; >= 24 concurrent 8-car bot races on 2 cores; <= 4 KB/s per spectator.
 */
import { availableParallelism } from 'node:os';
import { io as connect } from 'socket.io-client';
import { startArena } from '../server/arena.ts';
import { parseServerConfig } from '../server/config.ts';
import { BotDriver } from '../server/drivers/botDriver.ts';
import { createLogger } from '../server/log.ts';
import { systemClock } from '../server/race/clock.ts';
import { RaceEngine } from '../server/race/raceEngine.ts';
import type { RaceSpec, TickCostStats } from '../server/race/raceSpec.ts';
import { WorkerPool } from '../server/race/workerPool.ts';

const DIFFICULTIES = ['hard', 'medium', 'easy', 'hard', 'medium', 'easy', 'hard', 'medium'] as const;

function botRaceSpec(raceId: string, seed: number): RaceSpec {
  return {
    raceId,
    seed,
    laps: 10,
    timeLimitTicksPerLap: 1000,
    cars: DIFFICULTIES.map((difficulty, k) => ({
      id: `car${k}`,
      name: `Bot ${k}`,
      driver: { kind: 'bot', difficulty },
    })),
  };
}

function tickCostOfOneRace(ticks: number): TickCostStats {
  const spec = botRaceSpec('bench', 3);
  const engine = new RaceEngine(
    spec,
    spec.cars.map((c) => new BotDriver(c.driver.kind === 'bot' ? c.driver.difficulty : 'hard')),
    systemClock,
  );
  for (let t = 0; t < ticks && !engine.finished; t++) engine.step();
  return engine.tickCost.stats();
}

/** Runs n races in the pool for `seconds`; returns the slowest race's tick rate and the dropped ticks. */
async function concurrentRaces(
  pool: WorkerPool,
  n: number,
  seconds: number,
): Promise<{ minHz: number; dropped: number }> {
  const latestTick = new Array<number>(n).fill(0);
  const dropped = new Array<number>(n).fill(0);
  const hosts = Array.from({ length: n }, (_, i) =>
    pool.create(botRaceSpec(`race${n}-${i}`, 100 + i), {
      onSnapshot: (_bytes, tick) => (latestTick[i] = tick),
      onEvents: () => {},
      onStats: (s) => (dropped[i] = s.droppedTicks),
      onFinished: () => {},
      onError: (e) => console.error(e),
    }),
  );
  await sleep(1000); // every race built
  for (const h of hosts) h.start();
  await sleep(2000); // warm-up
  const from = [...latestTick];
  const droppedBefore = dropped.reduce((a, b) => a + b, 0);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const rates = latestTick.map((t, i) => (t - from[i]) / elapsed);
  for (const h of hosts) h.abort();
  const droppedDuring = dropped.reduce((a, b) => a + b, 0) - droppedBefore;
  for (const h of hosts) h.abort();
  await sleep(300);
  return { minHz: Math.min(...rates), dropped: droppedDuring };
}

async function spectatorBytesPerSecond(
  seconds: number,
): Promise<{ wire: number; payload: number; snapshotsPerSecond: number; events: number }> {
  const config = parseServerConfig({ PORT: '0', LOG_LEVEL: 'silent', CLIENT_DIST_DIR: '/nonexistent' });
  const arena = await startArena(config, { log: createLogger('silent') });
  try {
    const room = arena.lobby.create({
      laps: 3,
      seed: 5,
      bots: DIFFICULTIES.map((difficulty) => ({ difficulty })),
      waitSeconds: 0,
    });
    const client = connect(`http://127.0.0.1:${arena.port}`, { transports: ['websocket'], reconnection: false });
    await new Promise((r) => client.once('connect', () => r(null)));
    await new Promise((r) => client.emit('race:spectate', { raceId: room.id }, r));
    while (room.status !== 'racing') await sleep(50);
    await sleep(500);
    let wire = 0;
    let payload = 0;
    let snapshots = 0;
    let other = 0;
    const ws = (client.io.engine as unknown as { transport: { ws: WebSocket } }).transport.ws;
    ws.addEventListener('message', (ev: MessageEvent) => {
      const size = typeof ev.data === 'string' ? Buffer.byteLength(ev.data) : (ev.data as ArrayBuffer).byteLength;
      wire += size + (size < 126 ? 2 : 4); // server frames: 2-byte header below 126 bytes, no mask
      if (typeof ev.data === 'string' && !ev.data.startsWith('451-')) other += size + 2;
    });
    client.on('race:snapshot', (bytes) => {
      snapshots++;
      payload += (bytes as Uint8Array).byteLength;
    });
    await sleep(seconds * 1000);
    client.disconnect();
    return {
      wire: wire / seconds,
      payload: payload / seconds,
      snapshotsPerSecond: snapshots / seconds,
      events: other / seconds,
    };
  } finally {
    await arena.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const cost = tickCostOfOneRace(1500);
console.log(
  `one 8-bot race, no observations: tick cost p50 ${cost.p50Ms.toFixed(3)} ms, p99 ${cost.p99Ms.toFixed(3)} ms, max ${cost.maxMs.toFixed(2)} ms (${cost.ticks} ticks)`,
);

const pool = new WorkerPool();
console.log(`worker pool: ${pool.size} workers (${availableParallelism()} cores)`);
await sleep(1500);
let largest = 0;
for (const n of process.argv[2] === 'quick' ? [] : [1, 8, 16, 24, 32, 40, 48, 64]) {
  const r = await concurrentRaces(pool, n, 5);
  // Holding 50 Hz: every race kept >= 99% of real time over the window (stalls from other load included).
  const holds = r.minHz >= 49.5;
  console.log(
    `  ${String(n).padStart(2)} concurrent 8-bot races: slowest race ${r.minHz.toFixed(1)} Hz, dropped ticks ${r.dropped} -> ${holds ? 'holds 50 Hz' : 'below 50 Hz'}`,
  );
  if (!holds) break;
  largest = n;
}
await pool.close();
console.log(`largest N holding 50 Hz: ${largest}`);

const spectator = await spectatorBytesPerSecond(5);
console.log(
  `spectator of an 8-car race: ${spectator.snapshotsPerSecond.toFixed(1)} snapshots/s, ${(spectator.payload / 1024).toFixed(2)} KB/s snapshot payload, ${(spectator.wire / 1024).toFixed(2)} KB/s on the wire, of which ${((spectator.wire - spectator.events) / 1024).toFixed(2)} KB/s snapshots and ${(spectator.events / 1024).toFixed(2)} KB/s events`,
);
process.exit(0);
