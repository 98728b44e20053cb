import { describe, expect, it } from 'vitest';
import { parseAgentManifest, resolveAgentManifest } from '../../../shared/agents/agentManifest.ts';
import { createRace } from '../../../shared/sim/race.ts';
import { AgentCarController, type AgentPolicy } from './agentPolicy.ts';
import type { PolicyModel } from './policyModel.ts';
import { RaceDecisions } from './raceDecisions.ts';

/**
 * A model on a scripted clock: each call advances `clock.now` by the next scripted latency and
 * answers gas = 0.5 + 0.1·(sample index), so the test can tell the cars' answers apart.
 */
function scriptedPolicy(clock: { now: number }, latencies: number[], calls: number[][] = []): AgentPolicy {
  const model: PolicyModel = {
    info: { inputShape: [24], outputSize: 3, backend: 'onnxruntime' },
    async run(input, batch) {
      calls.push([batch, input.length]);
      clock.now += latencies.shift() ?? 1;
      const out = new Float32Array(batch * 3);
      for (let i = 0; i < batch; i++) out[i * 3 + 1] = 0.5 + 0.1 * i;
      return out;
    },
    async dispose() {},
  };
  const parsed = parseAgentManifest({
    model: { format: 'onnx', file: 'm.onnx' },
    observation: { source: 'state-v1' },
    action: { type: 'continuous' },
  });
  if (!parsed.ok) throw new Error('manifest');
  const resolved = resolveAgentManifest(parsed.manifest, { inputShape: [24], outputSize: 3 }, 0);
  if (!resolved.ok) throw new Error('resolve');
  return { agentId: 'a', name: 'a', manifest: resolved.manifest, model, sampleSize: 24 };
}

function race(cars: number) {
  return createRace({ seed: 5, cars: Array.from({ length: cars }, (_, i) => ({ id: `c${i}`, name: `c${i}` })) });
}

describe('RaceDecisions', () => {
  it('batches the cars of one agent into one model call and gives each car its own answer', async () => {
    const clock = { now: 0 };
    const calls: number[][] = [];
    const policy = scriptedPolicy(clock, [], calls);
    const seats = [0, 2, 3].map((carIndex) => ({ carIndex, controller: new AgentCarController(policy) }));
    const decisions = new RaceDecisions(seats, 20, () => clock.now);
    const r = race(4);
    expect(await decisions.decide(r)).toEqual([]);
    expect(calls).toEqual([[3, 72]]);
    expect(seats.map((s) => s.controller.action.gas)).toEqual([0.5, 0.6, 0.7].map(Math.fround));
    // A car out of the race leaves a smaller batch (the reused buffer's first samples).
    r.cars[2].status = 'dnf';
    await decisions.decide(r);
    expect(calls[1]).toEqual([2, 48]);
    expect([seats[0].controller.action.gas, seats[2].controller.action.gas]).toEqual([0.5, 0.6].map(Math.fround));
  });

  it('a late decision repeats the last action; three in a row retire the car as too slow', async () => {
    const clock = { now: 0 };
    const policy = scriptedPolicy(clock, [1, 25, 30, 5, 21, 22, 23]);
    const seat = { carIndex: 0, controller: new AgentCarController(policy) };
    const decisions = new RaceDecisions([seat], 20, () => clock.now);
    const r = race(1);
    expect(await decisions.decide(r)).toEqual([]);
    expect(seat.controller.action.gas).toBe(0.5);
    seat.controller.action = { steer: 0.25, gas: 0.5, brake: 0 };
    await decisions.decide(r); // 25 ms: late
    await decisions.decide(r); // 30 ms: late
    expect(seat.controller.action.steer).toBe(0.25);
    expect(await decisions.decide(r)).toEqual([]); // 5 ms: on time, the streak ends
    expect(seat.controller.lateStreak).toBe(0);
    await decisions.decide(r);
    await decisions.decide(r);
    const out = await decisions.decide(r);
    expect(out).toEqual([
      { carIndex: 0, reason: 'agentTimeout', detail: expect.stringMatching(/3 decisions in a row over 20 ms/) },
    ]);
    expect(decisions.stats.lateDecisions).toBe(5);
    // Every model call's latency, by model format, once (the metrics drain them each second).
    expect(decisions.drainLatencies()).toEqual([{ format: 'onnx', latenciesMs: [1, 25, 30, 5, 21, 22, 23] }]);
    expect(decisions.drainLatencies()).toEqual([]);
  });

  it('late decisions while the server is behind are forgiven', async () => {
    const clock = { now: 0 };
    const seat = { carIndex: 0, controller: new AgentCarController(scriptedPolicy(clock, [50, 50, 50, 50])) };
    const decisions = new RaceDecisions([seat], 20, () => clock.now);
    for (let i = 0; i < 4; i++) expect(await decisions.decide(race(1), true)).toEqual([]);
    expect(seat.controller.lateTotal).toBe(4);
    expect(seat.controller.lateStreak).toBe(0);
  });

  it('a model that throws retires its cars with the reason; cars out of the race are not asked', async () => {
    const clock = { now: 0 };
    const policy = scriptedPolicy(clock, []);
    const broken: AgentPolicy = {
      ...policy,
      model: { ...policy.model, run: () => Promise.reject(new Error('bad tensor')) },
    };
    const decisions = new RaceDecisions(
      [{ carIndex: 1, controller: new AgentCarController(broken) }],
      20,
      () => clock.now,
    );
    const r = race(2);
    expect(await decisions.decide(r)).toEqual([
      { carIndex: 1, reason: 'agentError', detail: 'model failed: bad tensor' },
    ]);
    r.cars[1].status = 'dnf';
    expect(await decisions.decide(r)).toEqual([]);
  });
});
