/**
 * The seed agents race: the DQN, both GA genomes and a hard bot in one race on a real arena
 * (race worker threads loading the agents from the store). Every agent car moves, and moves
 * under its own decisions: re-simulating the race from its action log, each logged agent action
 * is what that agent decides on that car's own observation at that tick (or, for a decision
 * that came late, the car's previous action).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPolicy } from '../../server/agents/runtime/agentPolicy.ts';
import { AgentCarController } from '../../server/agents/runtime/agentPolicy.ts';
import { loadAgentPolicy } from '../../server/agents/runtime/loadAgentPolicy.ts';
import { readSeedAgents } from '../../server/agents/seedAgents.ts';
import type { Arena } from '../../server/arena.ts';
import { buildRaceObservationScene } from '../../shared/env/raceObservation.ts';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { renderObservation } from '../../shared/render/renderObservation.ts';
import { resimulate } from '../support/resimulate.ts';
import { connectClient, createRace, request, startTestArena, waitFor } from './arenaHarness.ts';

const SEEDS = readSeedAgents();
const AGENT_IDS = ['seed-sarenac-dqn', 'seed-jankowski-ga-1995', 'seed-jankowski-ga-1495'];
/** Ticks whose agent decisions are re-computed and compared. */
const CHECKED_TICKS = 120;

describe('the seed agents race', () => {
  let arena: Arena;
  const policies = new Map<string, AgentPolicy>();

  beforeAll(async () => {
    arena = await startTestArena(
      {},
      { seedAgents: SEEDS, raceDefaults: { countdownMs: 500, timeLimitTicksPerLap: 400 } },
    );
    await arena.agents.seedsReady;
    for (const seed of SEEDS) policies.set(seed.agentId, await loadAgentPolicy(seed));
  }, 60_000);

  afterAll(async () => {
    await arena.close();
    await Promise.all([...policies.values()].map((p) => p.model.dispose()));
  });

  it('seeds are imported at start with their validation reports and listed by the API', async () => {
    const res = await fetch(`http://127.0.0.1:${arena.port}/api/agents`);
    const list = (await res.json()) as { id: string; name: string }[];
    expect(list.map((a) => a.id).sort()).toEqual([...AGENT_IDS].sort());
    for (const id of AGENT_IDS) expect((await arena.agentStore.get(id))?.report.ok).toBe(true);
  });

  it('the DQN, both GA genomes and a bot all move, the agents under their own decisions', async () => {
    const raceId = await createRace(arena, {
      laps: 1,
      seed: 11,
      bots: [{ difficulty: 'hard' }],
      agents: AGENT_IDS,
      maxCars: 4,
    });
    const spectator = await connectClient(arena);
    expect(await request(spectator, 'race:spectate', { raceId })).toEqual({ ok: true });
    const results = await waitFor<RaceResults>(spectator, 'race:results', () => true, 90_000);
    spectator.disconnect();

    expect(results.cars.map((c) => c.kind).sort()).toEqual(['agent', 'agent', 'agent', 'bot']);
    for (const car of results.cars) {
      expect(['agentTimeout', 'agentError'], `${car.name}: ${car.dnfReason}`).not.toContain(car.dnfReason);
    }

    // Seats: the bot first, then the agents in the order asked (car indices 1..3).
    const start: [number, number][] = [];
    let fresh = 0;
    let repeated = 0;
    const race = await resimulate(results, async (r, t) => {
      if (t === 0) for (const car of r.cars) start.push([r.sim.hullX(car.index), r.sim.hullY(car.index)]);
      if (t >= CHECKED_TICKS) return;
      for (let k = 1; k <= 3; k++) {
        const logged = results.actionLog[t][k];
        if (r.cars[k].status !== 'racing' || logged === null) continue;
        const policy = policies.get(AGENT_IDS[k - 1])!;
        const input = new Float32Array(policy.sampleSize);
        const controller = new AgentCarController(policy);
        const frame = renderObservation(buildRaceObservationScene(r, k), policy.manifest.observation.style);
        controller.writeSample({ kind: 'frame', frame }, input, 0);
        controller.applyOutputs(await policy.model.run(input, 1), 0);
        const decided = [controller.action.steer, controller.action.gas, controller.action.brake];
        if (decided.every((v, i) => Math.abs(v - logged[i]) <= 1e-6)) fresh++;
        else {
          // A late decision: the car kept its previous action.
          expect(logged, `car ${k} at tick ${t}`).toEqual(results.actionLog[t - 1]?.[k] ?? [0, 0, 0]);
          repeated++;
        }
      }
    });
    console.log(`agent decisions re-computed: ${fresh} fresh, ${repeated} late (repeated)`);
    expect(race.tick).toBe(results.ticks);
    // The workers' decision latencies reach the metrics, by model format.
    const metrics = await (await fetch(`http://127.0.0.1:${arena.port}/metrics`)).text();
    const count = /arena_agent_decision_seconds_count\{format="npy-genome"\} (\d+)/.exec(metrics);
    expect(Number(count?.[1])).toBeGreaterThan(0);
    expect(fresh).toBeGreaterThanOrEqual(0.9 * (fresh + repeated));
    expect(fresh + repeated).toBeGreaterThan(3 * CHECKED_TICKS * 0.9);
    // Every car, the bot and the three agents, drove away from its grid slot.
    for (const car of race.cars) {
      const [x0, y0] = start[car.index];
      const moved = Math.hypot(race.sim.hullX(car.index) - x0, race.sim.hullY(car.index) - y0);
      expect(moved, results.config.cars[car.index].name).toBeGreaterThan(5);
    }
  }, 120_000);
});
