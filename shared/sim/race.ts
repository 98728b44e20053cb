import type { Contact } from 'planck';
import type { CarPartUserData } from './carDynamics.ts';
import { LAP_COMPLETE_PERCENT, MAX_EPISODE_STEPS } from './constants.ts';
import { createCarProgress, recordLapTile, updateCarProgress, type CarProgress } from './raceProgress.ts';
import { Pcg64Generator } from './rng/pcg64.ts';
import { seedToBigInt, type IntegerSeed } from './rng/seedSequence.ts';
import { createSimulation, MAX_CARS, type CarControls, type Simulation } from './simulation.ts';
import { computeStartGrid, listedGridOrder, shuffledGridOrder } from './startGrid.ts';
import { buildTrack } from './trackRoad.ts';
import type { Track, TrackStyle } from './trackTypes.ts';

/**
 * A race: one track, 1..16 cars, K laps, on top of the Gymnasium-faithful {@link Simulation}.
 * Each car is scored as if it were alone (−0.1 per step, 1000/N per tile it visits first), so a
 * single-car-trained agent sees the rewards it was trained on; the race layer adds laps, lap
 * times, live positions, finish order and DNFs. Pure and deterministic: the same config and the
 * same per-tick actions give the same race in any process.
 */

/** A car's continuous action as CarRacing takes it: steer (+1 = right), gas, brake. */
export interface CarAction {
  readonly steer: number;
  readonly gas: number;
  readonly brake: number;
}

export type CarStatus = 'racing' | 'finished' | 'dnf';
/** Why a car did not finish: `leftField` ends the episode (terminated), `timeLimit` truncates it. */
/**
 * Why a car stopped racing early. `disconnected`, `agentTimeout` (an agent too slow three
 * decisions in a row) and `agentError` (an agent whose model failed or kept answering NaN) come
 * from outside the simulation: {@link ExternalRetirementReason}.
 */
export type DnfReason = 'leftField' | 'timeLimit' | ExternalRetirementReason;
export type ExternalRetirementReason = 'disconnected' | 'agentTimeout' | 'agentError';

export interface RaceCarConfig {
  readonly id: string;
  readonly name?: string;
}

export interface RaceConfig {
  /** Race seed: the track (as `reset(seed)` of CarRacing-v3 or v0) and the grid order. */
  readonly seed: IntegerSeed;
  /** Cars in id order (1..16). */
  readonly cars: readonly RaceCarConfig[];
  /** [default: 1] */
  readonly laps: number;
  /** The race ends after laps · this many ticks. [default: 1000, CarRacing's TimeLimit] */
  readonly timeLimitTicksPerLap: number;
  /** Track style: 'v3' (Gymnasium, PCG64) or 'v0' (gym ≤ 0.21, MT19937). [default: 'v3'] */
  readonly trackStyle: TrackStyle;
  /** 'seeded': grid slots shuffled from the race seed; 'listed': car k in slot k. [default: 'seeded'] */
  readonly grid: 'seeded' | 'listed';
  /** Share of a lap's tiles a car must have touched for the line crossing to count. [default: 0.95] */
  readonly lapCompletePercent: number;
}

export const DEFAULT_RACE_CONFIG = {
  laps: 1,
  timeLimitTicksPerLap: MAX_EPISODE_STEPS,
  trackStyle: 'v3',
  grid: 'seeded',
  lapCompletePercent: LAP_COMPLETE_PERCENT,
} as const satisfies Partial<RaceConfig>;

export const MAX_LAPS = 100;

/** The only place race defaults are applied. Throws RangeError on an impossible config. */
export function resolveRaceConfig(partial: Partial<RaceConfig> & Pick<RaceConfig, 'seed' | 'cars'>): RaceConfig {
  const config: RaceConfig = {
    ...DEFAULT_RACE_CONFIG,
    ...stripUndefined(partial),
    seed: partial.seed,
    cars: partial.cars,
  };
  if (config.cars.length < 1 || config.cars.length > MAX_CARS) {
    throw new RangeError(`a race has 1..${MAX_CARS} cars, got ${config.cars.length}`);
  }
  if (new Set(config.cars.map((c) => c.id)).size !== config.cars.length) throw new RangeError('car ids must be unique');
  if (!Number.isInteger(config.laps) || config.laps < 1 || config.laps > MAX_LAPS) {
    throw new RangeError(`laps must be an integer in 1..${MAX_LAPS}, got ${config.laps}`);
  }
  if (!Number.isInteger(config.timeLimitTicksPerLap) || config.timeLimitTicksPerLap < 1) {
    throw new RangeError(`timeLimitTicksPerLap must be a positive integer, got ${config.timeLimitTicksPerLap}`);
  }
  if (typeof config.seed === 'number' && (!Number.isSafeInteger(config.seed) || config.seed < 0)) {
    throw new RangeError(`seed must be a non-negative integer, got ${config.seed}`);
  }
  return config;
}

export interface RaceCar {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly gridSlot: number;
  status: CarStatus;
  dnfReason: DnfReason | null;
  /** Tick at which the car finished or dropped out. */
  endTick: number | null;
  readonly progress: CarProgress;
  /** The car's CarRacing return so far (sum of step rewards). */
  totalReward: number;
  /** What the HUD of this car's latest observation shows (reward before the step's −0.1). */
  hudReward: number;
}

export type RaceEvent =
  | {
      readonly type: 'lap';
      readonly tick: number;
      readonly carIndex: number;
      readonly lap: number;
      readonly lapTicks: number;
    }
  | { readonly type: 'finish'; readonly tick: number; readonly carIndex: number; readonly place: number }
  | { readonly type: 'dnf'; readonly tick: number; readonly carIndex: number; readonly reason: DnfReason }
  | { readonly type: 'collision'; readonly tick: number; readonly carA: number; readonly carB: number };

/** One car's Gymnasium-style result of a tick. */
export interface CarTickResult {
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

export interface RaceTickResult {
  readonly tick: number;
  /** Indexed by car index; null for cars that were already out before this tick. */
  readonly cars: readonly (CarTickResult | null)[];
  readonly events: readonly RaceEvent[];
}

export interface RaceState {
  readonly config: RaceConfig;
  readonly track: Track;
  readonly sim: Simulation;
  readonly cars: readonly RaceCar[];
  /** Action ticks played so far (the reset step is not counted). */
  tick: number;
  readonly maxTicks: number;
  finished: boolean;
  /** Car indices in finishing order. */
  readonly finishOrder: number[];
  /** Car–car contacts begun during the current tick (recorded by the listener, read after it). */
  readonly pendingCollisions: [number, number][];
}

/** Extra stream of the race seed's SeedSequence that draws the grid, apart from the track's. */
const GRID_STREAM = 0x67726964n; // "grid"

export function createRace(partial: Partial<RaceConfig> & Pick<RaceConfig, 'seed' | 'cars'>): RaceState {
  const config = resolveRaceConfig(partial);
  const track = buildTrack(config.seed, { style: config.trackStyle });
  const n = config.cars.length;
  const slots =
    config.grid === 'listed'
      ? listedGridOrder(n)
      : shuffledGridOrder(n, uniformStream((seedToBigInt(config.seed) << 64n) | GRID_STREAM));
  const spawns = computeStartGrid(track.points, slots);
  const sim = createSimulation({ track, spawns, lapCompletePercent: config.lapCompletePercent });
  const cars: RaceCar[] = config.cars.map((c, k) => {
    const x = sim.hullX(k);
    const y = sim.hullY(k);
    return {
      index: k,
      id: c.id,
      name: c.name ?? c.id,
      gridSlot: slots[k],
      status: 'racing',
      dnfReason: null,
      endTick: null,
      progress: createCarProgress(track.points, x, y),
      totalReward: 0,
      hudReward: sim.reward(k),
    };
  });
  const race: RaceState = {
    config,
    track,
    sim,
    cars,
    tick: 0,
    maxTicks: config.laps * config.timeLimitTicksPerLap,
    finished: false,
    finishOrder: [],
    pendingCollisions: [],
  };
  sim.world.on('begin-contact', (contact: Contact) => recordCollision(race, contact));
  return race;
}

/**
 * Advances the race by one 20 ms tick. `actions[k]` is car k's action; a missing action for a
 * racing car means no input (zero controls). Cars that are out ignore their action.
 */
export function stepRace(race: RaceState, actions: readonly (CarAction | null | undefined)[]): RaceTickResult {
  if (race.finished) throw new Error('the race is over');
  const tick = race.tick + 1;
  const controls: (CarControls | null)[] = race.cars.map((car, k) => {
    if (car.status !== 'racing') return null;
    const a = actions[k] ?? ZERO_ACTION;
    return { steer: -a.steer, gas: a.gas, brake: a.brake };
  });
  race.pendingCollisions.length = 0;
  const outcomes = race.sim.step(controls);
  race.tick = tick;
  const events: RaceEvent[] = [];

  for (const e of race.sim.lastStepEvents) {
    if (e.begin && e.wheelIndex >= 0 && race.cars[e.carIndex].status === 'racing') {
      recordLapTile(race.cars[e.carIndex].progress, e.tileIndex);
    }
  }
  for (const [a, b] of race.pendingCollisions) events.push({ type: 'collision', tick, carA: a, carB: b });

  const results: (CarTickResult | null)[] = race.cars.map(() => null);
  for (const car of race.cars) {
    if (car.status !== 'racing') continue;
    const k = car.index;
    const outcome = outcomes[k];
    car.hudReward = outcome.hudReward;
    let reward = outcome.stepReward;
    let terminated = false;
    let truncated = false;
    if (
      updateCarProgress(
        car.progress,
        race.track.points,
        race.sim.hullX(k),
        race.sim.hullY(k),
        tick,
        race.config.lapCompletePercent,
      )
    ) {
      const lap = car.progress.lapsCompleted;
      const ends = car.progress.lapEndTicks;
      events.push({ type: 'lap', tick, carIndex: k, lap, lapTicks: ends[lap - 1] - (lap > 1 ? ends[lap - 2] : 0) });
      if (lap >= race.config.laps) {
        retire(race, car, 'finished', null, tick);
        events.push({ type: 'finish', tick, carIndex: k, place: race.finishOrder.length });
        terminated = true;
      }
    }
    if (car.status === 'racing' && race.sim.isOutOfPlayfield(k)) {
      reward = -100;
      terminated = true;
      retire(race, car, 'dnf', 'leftField', tick);
      events.push({ type: 'dnf', tick, carIndex: k, reason: 'leftField' });
    }
    if (car.status === 'racing' && tick >= race.maxTicks) {
      truncated = true;
      retire(race, car, 'dnf', 'timeLimit', tick);
      events.push({ type: 'dnf', tick, carIndex: k, reason: 'timeLimit' });
    }
    car.totalReward += reward;
    results[k] = { reward, terminated, truncated };
  }
  race.finished = race.cars.every((c) => c.status !== 'racing');
  return { tick, cars: results, events };
}

/** Takes a car out of the race from outside the simulation (a driver disconnected, an agent too slow). */
export function retireCar(race: RaceState, carIndex: number, reason: ExternalRetirementReason): RaceEvent | null {
  const car = race.cars[carIndex];
  if (car === undefined || car.status !== 'racing') return null;
  retire(race, car, 'dnf', reason, race.tick);
  race.finished = race.cars.every((c) => c.status !== 'racing');
  return { type: 'dnf', tick: race.tick, carIndex, reason };
}

export interface Standing {
  readonly carIndex: number;
  /** 1-based position. */
  readonly position: number;
  readonly status: CarStatus;
  readonly lapsCompleted: number;
  /** Track points covered (unwrapped), the live race distance. */
  readonly distancePoints: number;
  /** Track points behind the leader (0 for the leader). */
  readonly gapPoints: number;
  readonly lapTicks: readonly number[];
  readonly bestLapTicks: number | null;
}

/**
 * Live order: finished cars by finishing order, then racing cars by distance covered, then
 * cars that dropped out, the later the better (ties by distance).
 */
export function computeStandings(race: RaceState): Standing[] {
  const distance = (c: RaceCar): number => c.progress.distancePoints;
  const ordered = [...race.cars].sort((a, b) => compareStanding(race, a, b));
  const leaderDistance = ordered.length > 0 ? distance(ordered[0]) : 0;
  return ordered.map((c, i) => {
    const lapTicks = lapDurations(c.progress.lapEndTicks);
    return {
      carIndex: c.index,
      position: i + 1,
      status: c.status,
      lapsCompleted: c.progress.lapsCompleted,
      distancePoints: distance(c),
      gapPoints: Math.max(0, leaderDistance - distance(c)),
      lapTicks,
      bestLapTicks: lapTicks.length > 0 ? Math.min(...lapTicks) : null,
    };
  });
}

/**
 * The live positions of {@link computeStandings} (`out[carIndex]` = 1-based position) without
 * building the standings: allocation-free, for snapshots. Same order: finished cars by finishing
 * order, racing cars by distance (then index), cars out by end tick, distance, index.
 */
export function livePositions(race: RaceState, out: Uint8Array | number[]): void {
  const cars = race.cars;
  const n = cars.length;
  for (let i = 0; i < n; i++) {
    let ahead = 0;
    for (let j = 0; j < n; j++) if (j !== i && compareStanding(race, cars[j], cars[i]) < 0) ahead++;
    out[i] = ahead + 1;
  }
}

const STATUS_RANK: Readonly<Record<CarStatus, number>> = { finished: 0, racing: 1, dnf: 2 };

/**
 * The one ordering rule of the standings: finished cars by finishing order, then racing cars by
 * distance covered, then cars that dropped out, the later the better (ties by distance, then index).
 */
function compareStanding(race: RaceState, a: RaceCar, b: RaceCar): number {
  const byStatus = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (byStatus !== 0) return byStatus;
  if (a.status === 'finished') return race.finishOrder.indexOf(a.index) - race.finishOrder.indexOf(b.index);
  if (a.status === 'dnf') {
    const byEnd = (b.endTick ?? 0) - (a.endTick ?? 0);
    if (byEnd !== 0) return byEnd;
  }
  return b.progress.distancePoints - a.progress.distancePoints || a.index - b.index;
}

/** Durations of each lap in ticks from the lap end ticks (the first lap starts at tick 0). */
export function lapDurations(lapEndTicks: readonly number[]): number[] {
  return lapEndTicks.map((end, i) => end - (i > 0 ? lapEndTicks[i - 1] : 0));
}

const ZERO_ACTION: CarAction = { steer: 0, gas: 0, brake: 0 };

function retire(
  race: RaceState,
  car: RaceCar,
  status: 'finished' | 'dnf',
  reason: DnfReason | null,
  tick: number,
): void {
  car.status = status;
  car.dnfReason = reason;
  car.endTick = tick;
  if (status === 'finished') race.finishOrder.push(car.index);
  // A car that is out leaves the track: it neither blocks nor is hit by the others.
  const physical = race.sim.cars[car.index];
  physical.hull.setActive(false);
  for (const w of physical.wheels) w.body.setActive(false);
}

function recordCollision(race: RaceState, contact: Contact): void {
  const a = contact.getFixtureA().getBody().getUserData() as Partial<CarPartUserData> | null;
  const b = contact.getFixtureB().getBody().getUserData() as Partial<CarPartUserData> | null;
  if (!a || !b || a.carIndex === undefined || b.carIndex === undefined) return;
  if ((a.kind !== 'hull' && a.kind !== 'wheel') || (b.kind !== 'hull' && b.kind !== 'wheel')) return;
  if (a.carIndex === b.carIndex) return;
  const pair: [number, number] = a.carIndex < b.carIndex ? [a.carIndex, b.carIndex] : [b.carIndex, a.carIndex];
  if (!race.pendingCollisions.some(([x, y]) => x === pair[0] && y === pair[1])) race.pendingCollisions.push(pair);
}

function uniformStream(seed: bigint): () => number {
  const rng = Pcg64Generator.fromSeed(seed);
  return () => rng.random();
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
