import type { CarControls } from '../sim/simulation.ts';

/**
 * CarRacing's action spaces and how an action drives the car (spec §7.1).
 * Continuous: [steer, gas, brake] → car.steer(−steer), car.gas(gas), car.brake(brake), with no
 * clipping or validation of the values (Gymnasium only casts to float64; pass Math.fround'ed
 * values to replay Python float32 actions exactly). Discrete(5): 0 nothing, 1 right, 2 left,
 * 3 gas, 4 brake.
 */

export type ContinuousAction = ArrayLike<number>;
export type DiscreteAction = number;
export type CarRacingAction = ContinuousAction | DiscreteAction;

/** Gymnasium's `Box(low=[-1, 0, 0], high=[1, 1, 1], dtype=float32)`. */
export const CONTINUOUS_ACTION_SPACE = {
  shape: [3] as const,
  low: [-1, 0, 0] as const,
  high: [1, 1, 1] as const,
};

/** Gymnasium's `Discrete(5)`. */
export const DISCRETE_ACTION_COUNT = 5;

/** An action outside the env's action space (Gymnasium's `InvalidAction`). */
export class InvalidActionError extends Error {
  override readonly name = 'InvalidActionError';
}

/** Continuous [steer, gas, brake] → the car's controls. Throws only when it is not 3 numbers. */
export function continuousActionToControls(action: ContinuousAction): CarControls {
  if (typeof action !== 'object' || action === null || action.length !== 3) {
    throw new InvalidActionError(`continuous action must be [steer, gas, brake], got ${describe(action)}`);
  }
  const steer = action[0];
  const gas = action[1];
  const brake = action[2];
  if (typeof steer !== 'number' || typeof gas !== 'number' || typeof brake !== 'number') {
    throw new InvalidActionError(`continuous action must hold numbers, got ${describe(action)}`);
  }
  return { steer: -steer, gas, brake };
}

/** `Discrete(5).contains(action)`: an integer in 0..4. */
export function isValidDiscreteAction(action: unknown): action is DiscreteAction {
  return typeof action === 'number' && Number.isInteger(action) && action >= 0 && action < DISCRETE_ACTION_COUNT;
}

/**
 * Discrete action → controls, with Gymnasium's expressions:
 * steer(−0.6·(a==1) + 0.6·(a==2)), gas(0.2·(a==3)), brake(0.8·(a==4)).
 */
export function discreteActionToControls(action: DiscreteAction): CarControls {
  if (!isValidDiscreteAction(action)) {
    throw new InvalidActionError(
      `discrete action must be an integer in [0, ${DISCRETE_ACTION_COUNT}), got ${describe(action)}`,
    );
  }
  const is = (k: number): number => (action === k ? 1 : 0);
  return { steer: -0.6 * is(1) + 0.6 * is(2), gas: 0.2 * is(3), brake: 0.8 * is(4) };
}

export function actionToControls(action: CarRacingAction, continuous: boolean): CarControls {
  if (continuous) {
    if (typeof action === 'number') throw new InvalidActionError(`continuous env got the number ${action}`);
    return continuousActionToControls(action);
  }
  return discreteActionToControls(action as DiscreteAction);
}

function describe(value: unknown): string {
  try {
    if (typeof value === 'object' && value !== null && 'length' in value) {
      return `[${Array.from(value as ArrayLike<unknown>, String).join(', ')}]`;
    }
    return String(value);
  } catch {
    return typeof value;
  }
}
