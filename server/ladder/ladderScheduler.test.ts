import { describe, expect, it } from 'vitest';
import type { CreateRaceRequest } from '../../shared/protocol/schemas.ts';
import { createLogger } from '../log.ts';
import { ManualTime } from '../race/clock.ts';
import { LadderScheduler, type LadderRaces } from './ladderScheduler.ts';

/** Ladder races recorded in memory (what the lobby or the queue would open). */
function recordingRaces(options: { exclusive?: boolean } = {}): LadderRaces & { opened: CreateRaceRequest[] } {
  const opened: CreateRaceRequest[] = [];
  let held = false;
  return {
    opened,
    live: async () => ({ count: opened.length, agents: new Set(opened.flatMap((r) => r.agents ?? [])) }),
    open: async (request) => {
      opened.push(request);
      return `race-${opened.length}`;
    },
    ...(options.exclusive === undefined
      ? {}
      : {
          exclusive: async <T>(fill: () => Promise<T>): Promise<T | null> => {
            if (held || !options.exclusive) return null;
            held = true;
            try {
              return await fill();
            } finally {
              held = false;
            }
          },
        }),
  };
}

const candidates = (n: number) => async () =>
  Array.from({ length: n }, (_, i) => ({ agentId: `agent-${i}`, ordinal: 0, races: 0 }));

function scheduler(races: LadderRaces, agents: number, concurrency: number): LadderScheduler {
  const time = new ManualTime();
  return new LadderScheduler({
    races,
    candidates: candidates(agents),
    scheduler: time,
    log: createLogger('silent'),
    concurrency,
    random: () => 0.5,
  });
}

describe('LadderScheduler.fill', () => {
  it('spreads the free agents over the races it may open, each agent in one race', async () => {
    const races = recordingRaces();
    expect(await scheduler(races, 3, 2).fill()).toEqual(['race-1', 'race-2']);
    expect(races.opened.map((r) => r.agents?.length)).toEqual([2, 1]);
    const seated = races.opened.flatMap((r) => r.agents ?? []);
    expect(new Set(seated).size).toBe(3);
    for (const race of races.opened) expect(race.bots.length + (race.agents?.length ?? 0)).toBeGreaterThanOrEqual(4);
  });

  it('opens only what is missing, and none without a free agent', async () => {
    const races = recordingRaces();
    const ladder = scheduler(races, 2, 4);
    expect(await ladder.fill()).toHaveLength(2); // one agent each; a third race would have none
    expect(await ladder.fill()).toEqual([]);
  });

  it('fills only while it holds the turn (several web processes)', async () => {
    const elsewhere = recordingRaces({ exclusive: false });
    expect(await scheduler(elsewhere, 3, 2).fill()).toEqual([]);
    expect(elsewhere.opened).toHaveLength(0);
    const ours = recordingRaces({ exclusive: true });
    expect(await scheduler(ours, 3, 2).fill()).toHaveLength(2);
  });
});
