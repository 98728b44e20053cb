/**
 * The agents of one race, decided together before each tick: every car whose agent is due gets
 * its observation (its own camera, rendered with shared/render in the style its agent was
 * trained on, or its state features), the cars of one model go to that model in ONE batched
 * call, and the answers become the cars' actions for the coming step — Gymnasium's order
 * (observation of state s_t → action → step to s_t+1), so an agent drives here as in Python.
 *
 * Time budget: a batch that takes longer than `budgetMs` counts as a late decision for each of
 * its cars, which keep their last action; MAX_LATE_DECISIONS late decisions in a row retire a
 * car as 'agentTimeout' ("too slow"). A car whose model fails to load, throws, or answers
 * non-finite actions MAX_AGENT_FAULTS times retires as 'agentError'.
 */
import { buildRaceObservationScene } from '../../../shared/env/raceObservation.ts';
import { computeStateFeatures, STATE_FEATURE_COUNT } from '../../../shared/agents/stateFeatures.ts';
import { OBSERVATION_BYTES, renderObservation } from '../../../shared/render/renderObservation.ts';
import type { RaceState } from '../../../shared/sim/race.ts';
import { AgentCarController, type AgentPolicy } from './agentPolicy.ts';

export interface RaceAgentSeat {
  readonly carIndex: number;
  readonly controller: AgentCarController;
}

export interface Retirement {
  readonly carIndex: number;
  readonly reason: 'agentTimeout' | 'agentError';
  readonly detail: string;
}

export interface DecisionStats {
  lateDecisions: number;
}

export interface DecisionLatencies {
  readonly format: string;
  readonly latenciesMs: readonly number[];
}

/** Default per-decision budget, ms (one CarRacing step at 50 Hz). */
export const DEFAULT_DECISION_BUDGET_MS = 20;

/** The cars of one agent in a race, with the buffers its batched call reuses every tick. */
interface AgentGroup {
  readonly seats: RaceAgentSeat[];
  /** Room for every seat's sample; a tick's batch is its first `due.length` samples. */
  input: Float32Array;
  readonly due: RaceAgentSeat[];
}

export class RaceDecisions {
  private readonly groups = new Map<AgentPolicy, AgentGroup>();
  readonly stats: DecisionStats = { lateDecisions: 0 };
  /** Model-call latencies (ms) since the last drain, by model format. */
  private latencies = new Map<string, number[]>();
  private readonly features = new Float32Array(STATE_FEATURE_COUNT);
  /** The observation being preprocessed (the pipeline copies it, so one buffer serves every car). */
  private readonly frame = new Uint8Array(OBSERVATION_BYTES);

  constructor(
    seats: readonly RaceAgentSeat[],
    private readonly budgetMs: number = DEFAULT_DECISION_BUDGET_MS,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    for (const seat of seats) {
      const policy = seat.controller.policy;
      const group = this.groups.get(policy) ?? { seats: [], input: new Float32Array(0), due: [] };
      group.seats.push(seat);
      group.input = new Float32Array(group.seats.length * policy.sampleSize);
      this.groups.set(policy, group);
    }
  }

  get isEmpty(): boolean {
    return this.groups.size === 0;
  }

  /** The model-call latencies measured since the last call, by model format (for the metrics). */
  drainLatencies(): DecisionLatencies[] {
    const out = [...this.latencies].map(([format, latenciesMs]) => ({ format, latenciesMs }));
    this.latencies = new Map();
    return out;
  }

  /**
   * Runs every agent once on the grid (throwaway controllers, results discarded) before the race
   * starts: the first renders and model calls of a thread pay for JIT and allocations, which
   * would otherwise land on the first ticks and look like the server falling behind.
   */
  async warmUp(race: RaceState): Promise<void> {
    for (const [policy, { seats, input }] of this.groups) {
      seats.forEach((seat, slot) =>
        this.observe(race, policy, new AgentCarController(policy), seat.carIndex, input, slot),
      );
      try {
        await policy.model.run(input, seats.length);
      } catch {
        // A failing model is reported by the first real decision.
      }
    }
  }

  private observe(
    race: RaceState,
    policy: AgentPolicy,
    controller: AgentCarController,
    carIndex: number,
    input: Float32Array,
    slot: number,
  ): void {
    if (policy.manifest.observation.source === 'state-v1') {
      computeStateFeatures(race.sim, race.track.points, carIndex, this.features);
      controller.writeSample({ kind: 'state', features: this.features }, input, slot);
    } else {
      renderObservation(buildRaceObservationScene(race, carIndex), policy.manifest.observation.style, this.frame);
      controller.writeSample({ kind: 'frame', frame: this.frame }, input, slot);
    }
  }

  /**
   * Decides for every due agent car still racing on the race's current state (`race.tick`
   * ticks played). Resolves to the cars to retire; never rejects. With `forgiveLate` (the
   * server itself is behind real time) a late decision still repeats the last action but does
   * not count towards retiring the car: the race is marked unrated instead.
   */
  async decide(race: RaceState, forgiveLate = false): Promise<Retirement[]> {
    const retirements: Retirement[] = [];
    const step = race.tick;
    for (const [policy, group] of this.groups) {
      const due = group.due;
      due.length = 0;
      for (const s of group.seats)
        if (race.cars[s.carIndex].status === 'racing' && s.controller.isDue(step)) due.push(s);
      if (due.length === 0) continue;
      const input = group.input.subarray(0, due.length * policy.sampleSize);
      due.forEach((seat, slot) => this.observe(race, policy, seat.controller, seat.carIndex, input, slot));
      let outputs: Float32Array;
      const t0 = this.nowMs();
      try {
        outputs = await policy.model.run(input, due.length);
      } catch (error) {
        const detail = `model failed: ${error instanceof Error ? error.message : String(error)}`;
        for (const seat of due) retirements.push({ carIndex: seat.carIndex, reason: 'agentError', detail });
        continue;
      }
      const elapsed = this.nowMs() - t0;
      const format = policy.manifest.model.format;
      const list = this.latencies.get(format);
      if (list === undefined) this.latencies.set(format, [elapsed]);
      else list.push(elapsed);
      const late = elapsed > this.budgetMs;
      for (const [slot, seat] of due.entries()) {
        if (late) {
          seat.controller.markLate(forgiveLate);
          this.stats.lateDecisions++;
          if (seat.controller.tooSlow) {
            retirements.push({
              carIndex: seat.carIndex,
              reason: 'agentTimeout',
              detail: `${seat.controller.lateStreak} decisions in a row over ${this.budgetMs} ms (last ${elapsed.toFixed(1)} ms)`,
            });
          }
        } else {
          seat.controller.applyOutputs(outputs, slot);
          if (seat.controller.tooFaulty) {
            retirements.push({
              carIndex: seat.carIndex,
              reason: 'agentError',
              detail: `${seat.controller.faults} non-finite actions`,
            });
          }
        }
      }
    }
    return retirements;
  }
}
