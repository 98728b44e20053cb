import { describe, expect, it } from 'vitest';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { unpackSnapshot } from '../../shared/protocol/snapshotCodec.ts';
import type { RaceHostListener, RaceSpec } from './raceSpec.ts';
import { WorkerPool } from './workerPool.ts';

const spec = (raceId: string): RaceSpec => ({
  raceId,
  seed: 7,
  laps: 1,
  timeLimitTicksPerLap: 50,
  cars: [
    { id: 'a', name: 'A', driver: { kind: 'bot', difficulty: 'hard' } },
    { id: 'b', name: 'B', driver: { kind: 'human' } },
  ],
});

function collect(): { listener: RaceHostListener; finished: Promise<RaceResults>; ticks: number[] } {
  const ticks: number[] = [];
  let resolve!: (r: RaceResults) => void;
  let reject!: (e: Error) => void;
  const finished = new Promise<RaceResults>((res, rej) => ([resolve, reject] = [res, rej]));
  return {
    ticks,
    finished,
    listener: {
      onSnapshot: (bytes, tick) => {
        expect(unpackSnapshot(bytes).tick).toBe(tick);
        ticks.push(tick);
      },
      onEvents: () => {},
      onStats: () => {},
      onFinished: resolve,
      onError: reject,
    },
  };
}

describe('WorkerPool', () => {
  it('runs races in tsx worker threads, no more workers than cores', async () => {
    const pool = new WorkerPool(64);
    try {
      const runs = ['r1', 'r2', 'r3'].map((id) => {
        const c = collect();
        const host = pool.create(spec(id), c.listener);
        host.setInput(1, { steer: 0, gas: 1, brake: 0 });
        host.start();
        return c;
      });
      expect(pool.load.length).toBeLessThanOrEqual(pool.size);
      const results = await Promise.all(runs.map((r) => r.finished));
      for (const [i, r] of results.entries()) {
        expect(r.ticks).toBe(50);
        expect(r.actionLog).toHaveLength(50);
        expect(r.actionLog[0][1]).toEqual([0, 1, 0]);
        expect(runs[i].ticks[0]).toBe(0);
        expect(runs[i].ticks.at(-1)).toBe(50);
      }
    } finally {
      await pool.close();
    }
  });
});
