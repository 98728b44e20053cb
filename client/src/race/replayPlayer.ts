import type { LoggedAction, Retirement } from '../../../shared/protocol/events.ts';
import {
  computeStandings,
  createRace,
  livePositions,
  retireCar,
  stepRace,
  type CarStatus,
  type RaceConfig,
  type RaceEvent,
  type RaceState,
} from '../../../shared/sim/race.ts';
import { createCarPose } from '../../../shared/sim/simulation.ts';
import type { CarPose } from './carGraphics.ts';

/** `GET /api/races/:id/replay`. */
export interface ReplayData {
  readonly raceId: string;
  readonly seed: number;
  readonly config: Omit<Partial<RaceConfig>, 'seed' | 'cars'> & { readonly cars: RaceConfig['cars'] };
  readonly actionLog: readonly (readonly LoggedAction[])[];
  readonly retirements: readonly Retirement[];
}

const FLOATS_PER_CAR = 4;
const STATUS_CODES: readonly CarStatus[] = ['racing', 'finished', 'dnf'];

/**
 * A stored race re-simulated in the browser with shared/, in the exact order of the server (per
 * tick: the retirements at that tick, then `stepRace` with the logged actions), a few ticks at a
 * time (`simulate(budgetMs)`), recording every tick's poses, laps, positions and distances. The
 * recording makes seeking back instant; seeking ahead waits for the simulation to get there.
 */
export class ReplayPlayer {
  readonly race: RaceState;
  readonly carCount: number;
  /** Ticks the race lasts (the action log's length). */
  readonly totalTicks: number;
  /** Lap, finish and dnf events, in tick order. */
  readonly events: RaceEvent[] = [];
  private readonly poses: Float32Array;
  private readonly laps: Uint8Array;
  private readonly statuses: Uint8Array;
  private readonly positions: Uint8Array;
  private readonly distances: Float32Array;
  private readonly scratchPositions: Uint8Array;
  private readonly pose = createCarPose();
  /** Ticks recorded so far (tick 0, the grid, included): ticks 0..simulatedTicks−1 can be shown. */
  private recorded = 0;
  private finalRetirementsApplied = false;

  constructor(private readonly replay: ReplayData) {
    this.race = createRace({ seed: replay.seed, ...replay.config });
    this.carCount = this.race.cars.length;
    this.totalTicks = replay.actionLog.length;
    const ticks = this.totalTicks + 1;
    this.poses = new Float32Array(ticks * this.carCount * FLOATS_PER_CAR);
    this.laps = new Uint8Array(ticks * this.carCount);
    this.statuses = new Uint8Array(ticks * this.carCount);
    this.positions = new Uint8Array(ticks * this.carCount);
    this.distances = new Float32Array(ticks * this.carCount);
    this.scratchPositions = new Uint8Array(this.carCount);
    this.record();
  }

  /** The last tick that can be shown now. */
  get simulatedTick(): number {
    return this.recorded - 1;
  }

  get done(): boolean {
    return this.recorded > this.totalTicks;
  }

  /** Steps the simulation for up to `budgetMs` (at least one tick), or until `untilTick` is recorded. */
  simulate(budgetMs: number, untilTick = this.totalTicks): void {
    const start = performance.now();
    while (!this.done && this.simulatedTick < untilTick) {
      const t = this.race.tick;
      for (const r of this.replay.retirements) if (r.tick === t) retireCar(this.race, r.carIndex, r.reason);
      if (!this.race.finished) {
        const logged = this.replay.actionLog[t] ?? [];
        const result = stepRace(
          this.race,
          logged.map((a) => (a === null ? null : { steer: a[0], gas: a[1], brake: a[2] })),
        );
        for (const e of result.events) if (e.type !== 'collision') this.events.push(e);
      } else {
        this.race.tick = t + 1;
      }
      this.record();
      if (performance.now() - start >= budgetMs) break;
    }
    if (this.done && !this.finalRetirementsApplied) {
      // Retirements after the last logged tick (a race stopped early) still count in the order.
      for (const r of this.replay.retirements)
        if (r.tick >= this.totalTicks) retireCar(this.race, r.carIndex, r.reason);
      this.finalRetirementsApplied = true;
    }
  }

  /** Car k's pose at a fractional tick (interpolated between recorded ticks). */
  sample(tick: number, k: number, out: CarPose): boolean {
    const last = this.simulatedTick;
    const t = Math.min(Math.max(tick, 0), last);
    const a = Math.floor(t);
    const b = Math.min(a + 1, last);
    const u = t - a;
    const pa = (a * this.carCount + k) * FLOATS_PER_CAR;
    const pb = (b * this.carCount + k) * FLOATS_PER_CAR;
    const p = this.poses;
    out.x = p[pa] + (p[pb] - p[pa]) * u;
    out.y = p[pa + 1] + (p[pb + 1] - p[pa + 1]) * u;
    const turn = Math.atan2(Math.sin(p[pb + 2] - p[pa + 2]), Math.cos(p[pb + 2] - p[pa + 2]));
    out.angle = p[pa + 2] + turn * u;
    out.steerRad = p[pa + 3] + (p[pb + 3] - p[pa + 3]) * u;
    return true;
  }

  /** Car k's state at a whole tick: laps completed, status, live position, distance (track points). */
  carAt(tick: number, k: number): { laps: number; status: CarStatus; position: number; distance: number } {
    const i = Math.min(Math.max(Math.floor(tick), 0), this.simulatedTick) * this.carCount + k;
    return {
      laps: this.laps[i],
      status: STATUS_CODES[this.statuses[i]],
      position: this.positions[i],
      distance: this.distances[i],
    };
  }

  /** The first tick at which car k had covered `distance` track points, or null if it never did by `maxTick`. */
  tickReaching(k: number, distance: number, maxTick: number): number | null {
    let lo = 0;
    let hi = Math.min(Math.floor(maxTick), this.simulatedTick);
    if (this.distances[hi * this.carCount + k] < distance) return null;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.distances[mid * this.carCount + k] >= distance) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Car indices in final position order (the same rule as the server's results), once done. */
  finalOrder(): number[] {
    return computeStandings(this.race).map((s) => s.carIndex);
  }

  private record(): void {
    const race = this.race;
    const tick = this.recorded;
    livePositions(race, this.scratchPositions);
    for (let k = 0; k < this.carCount; k++) {
      const pose = race.sim.readCarPose(k, this.pose);
      const o = (tick * this.carCount + k) * FLOATS_PER_CAR;
      this.poses[o] = pose.x;
      this.poses[o + 1] = pose.y;
      this.poses[o + 2] = pose.angle;
      this.poses[o + 3] = pose.steerJointAngle;
      const car = race.cars[k];
      const i = tick * this.carCount + k;
      this.laps[i] = car.progress.lapsCompleted;
      this.statuses[i] = STATUS_CODES.indexOf(car.status);
      this.positions[i] = this.scratchPositions[k];
      this.distances[i] = car.progress.distancePoints;
    }
    this.recorded++;
  }
}
