/**
 * An agent ready to drive: its model and its resolved manifest (AgentPolicy, shared by every
 * car of that agent in a thread), and the per-car state of agents.md §9.4 (AgentCarController:
 * frame stack, action-repeat counter, last action, faults, late decisions).
 */
import type { AgentManifest } from '../../../shared/agents/agentManifest.ts';
import { decodeAction } from '../../../shared/agents/actionDecoder.ts';
import { FramePipeline, ObservationStack } from '../../../shared/agents/observationPipeline.ts';
import type { CarAction } from '../../../shared/sim/race.ts';
import type { PolicyModel } from './policyModel.ts';

export interface AgentPolicy {
  readonly agentId: string;
  readonly name: string;
  readonly manifest: AgentManifest;
  readonly model: PolicyModel;
  /** Values in one model input sample. */
  readonly sampleSize: number;
}

/** What the agent looks at: the 96×96×3 frame, or the state-v1 feature vector. */
export type RawObservation =
  { readonly kind: 'frame'; readonly frame: Uint8Array } | { readonly kind: 'state'; readonly features: Float32Array };

/** Faults (non-finite outputs) after which a car is retired. */
export const MAX_AGENT_FAULTS = 10;
/** Late decisions in a row after which a car is retired ("too slow"). */
export const MAX_LATE_DECISIONS = 3;

const ZERO_ACTION: CarAction = { steer: 0, gas: 0, brake: 0 };

export class AgentCarController {
  private readonly stack: ObservationStack;
  /** The frame preprocessing and its buffers; made on the first frame (state agents need none). */
  private pipeline: FramePipeline | null = null;
  /** The action applied until the next decision. */
  action: CarAction = ZERO_ACTION;
  faults = 0;
  lateStreak = 0;
  lateTotal = 0;
  decisions = 0;

  constructor(readonly policy: AgentPolicy) {
    const o = policy.manifest.observation;
    this.stack = new ObservationStack(o.frameStack.size, o.frameStack.fill, o.tensor.layout);
  }

  /** Episode start: empty stack, zero action, counters cleared. */
  reset(): void {
    this.stack.reset();
    this.action = ZERO_ACTION;
    this.faults = 0;
    this.lateStreak = 0;
    this.lateTotal = 0;
    this.decisions = 0;
  }

  /** Whether the agent is consulted on the observation of `step` (0 = the reset frame). */
  isDue(step: number): boolean {
    return step % this.policy.manifest.control.actionRepeat === 0;
  }

  /** Preprocesses the observation into `batch` at sample `slot` (and pushes it onto the stack). */
  writeSample(observation: RawObservation, batch: Float32Array, slot: number): void {
    const offset = slot * this.policy.sampleSize;
    if (observation.kind === 'state') {
      batch.set(observation.features, offset);
      return;
    }
    this.pipeline ??= new FramePipeline(this.policy.manifest.observation.pipeline);
    this.stack.push(this.pipeline.run(observation.frame));
    this.stack.pack(batch, offset);
  }

  /** Takes the model's answer for this car (outputs of sample `slot`). */
  applyOutputs(outputs: Float32Array, slot: number): void {
    const d = decodeAction(this.policy.manifest.action, outputs, slot * this.policy.model.info.outputSize);
    this.decisions++;
    this.lateStreak = 0;
    if (d.fault) this.faults++;
    this.action = { steer: d.steer, gas: d.gas, brake: d.brake };
  }

  /** The decision came too late: the car keeps its last action. `forgiven`: not the agent's fault. */
  markLate(forgiven = false): void {
    this.decisions++;
    this.lateTotal++;
    if (!forgiven) this.lateStreak++;
  }

  get tooSlow(): boolean {
    return this.lateStreak >= MAX_LATE_DECISIONS;
  }

  get tooFaulty(): boolean {
    return this.faults >= MAX_AGENT_FAULTS;
  }
}
