/** RaceDirectory on a real Redis (Debian's redis-server): every process's races, and a dead process's expiring. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaceListing, RaceStateMessage } from '../../shared/protocol/events.ts';
import { RaceDirectory } from '../../server/cluster/raceDirectory.ts';
import { startRedisServer, type RedisServer } from '../support/redisServer.ts';

const listing = (id: string): RaceListing => ({
  id,
  status: 'racing',
  laps: 1,
  seed: 7,
  cars: [],
  ladder: true,
  spectators: 0,
});
const state = (raceId: string): RaceStateMessage => ({
  raceId,
  status: 'racing',
  seed: 7,
  laps: 1,
  timeLimitTicksPerLap: 1000,
  trackStyle: 'v3',
  grid: 'seeded',
  maxCars: 4,
  cars: [],
  tick: 120,
  countdownMsLeft: null,
  rematchRaceId: null,
});

describe('RaceDirectory', () => {
  let server: RedisServer;
  const connections: Redis[] = [];
  const connectTo = (): Redis => {
    const redis = new Redis(server.url);
    connections.push(redis);
    return redis;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await server.stop();
  });

  it("lists every process's races and states; a withdrawn or silent process drops out", async () => {
    const web = new RaceDirectory(connectTo());
    const worker = new RaceDirectory(connectTo(), 300);
    await web.publish([listing('human-race')], new Map([['human-race', state('human-race')]]));
    await worker.publish([listing('ladder-race')], new Map([['ladder-race', state('ladder-race')]]));

    expect((await web.list()).map((r) => r.id).sort()).toEqual(['human-race', 'ladder-race']);
    expect(await web.state('ladder-race')).toMatchObject({ raceId: 'ladder-race', tick: 120 });
    expect(await worker.state('no-such-race')).toBeNull();

    // The worker stops renewing (it died): its races are gone once its entry expires.
    await new Promise((r) => setTimeout(r, 450));
    expect((await web.list()).map((r) => r.id)).toEqual(['human-race']);
    expect(await web.state('ladder-race')).toBeNull();

    await web.withdraw();
    expect(await worker.list()).toEqual([]);
  });
});
