/**
 * Model output → CarRacing action (agents.md §9.1 `action`): argmax over a discrete table
 * (optionally scaled by the winning output), or three continuous outputs through their
 * activations; then the clip to [-1,1]×[0,1]×[0,1]. A non-finite component becomes 0 and is
 * reported as a fault, which the runtime counts against the agent.
 */
import type { ActionSpec } from './agentManifest.ts';

export interface DecodedAction {
  steer: number;
  gas: number;
  brake: number;
  /** A component was NaN or ±Inf (replaced by 0). */
  fault: boolean;
  /** The chosen row of a discrete table, else -1. */
  index: number;
}

/** Number of model outputs the action spec needs. */
export function actionOutputSize(spec: ActionSpec): number {
  return spec.type === 'discrete' ? spec.table.length : 3;
}

/** Index of the largest value; ties go to the lowest index; NaN never wins (-1 when all are NaN). */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[offset + i];
    if (v > bestValue || (best < 0 && v === -Infinity)) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function activate(x: number, f: 'none' | 'tanh' | 'sigmoid'): number {
  return f === 'tanh' ? Math.tanh(x) : f === 'sigmoid' ? sigmoid(x) : x;
}

/** Decodes one sample's outputs (`outputs[offset .. offset + actionOutputSize(spec)]`). */
export function decodeAction(spec: ActionSpec, outputs: ArrayLike<number>, offset = 0): DecodedAction {
  let steer: number;
  let gas: number;
  let brake: number;
  let index = -1;
  if (spec.type === 'discrete') {
    index = argmax(outputs, offset, spec.table.length);
    if (index < 0) return { steer: 0, gas: 0, brake: 0, fault: true, index };
    const scale = spec.select === 'argmax-scaled' ? outputs[offset + index] : 1;
    const row = spec.table[index];
    steer = row[0] * scale;
    gas = row[1] * scale;
    brake = row[2] * scale;
  } else {
    steer = activate(outputs[offset], spec.activation[0]);
    gas = activate(outputs[offset + 1], spec.activation[1]);
    brake = activate(outputs[offset + 2], spec.activation[2]);
  }
  const fault = !Number.isFinite(steer) || !Number.isFinite(gas) || !Number.isFinite(brake);
  return {
    steer: clip(steer, -1, 1),
    gas: clip(gas, 0, 1),
    brake: clip(brake, 0, 1),
    fault,
    index,
  };
}

function clip(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return 0;
  return v < lo ? lo : v > hi ? hi : v;
}
