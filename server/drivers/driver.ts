import type { DriverKind } from '../../shared/protocol/events.ts';
import type { CarAction, RaceState } from '../../shared/sim/race.ts';

/**
 * Whatever decides a car's action each tick: a human's latest input, a built-in bot, an
 * uploaded agent. The race engine calls `act` once per tick, before the step, for every car
 * still racing; null means no input (zero controls).
 */
export interface Driver {
  readonly kind: DriverKind;
  act(race: RaceState, carIndex: number): CarAction | null;
}

/** How a seat is driven, as plain data (it crosses into the race workers). */
export type DriverSpec =
  | { readonly kind: 'human'; /** The account of a logged-in human; absent for guests. */ readonly userId?: string }
  | { readonly kind: 'bot'; readonly difficulty: 'easy' | 'medium' | 'hard' }
  | { readonly kind: 'agent'; readonly agentId: string };
