import { Polygon, Vec2 } from 'planck';
import type { Body, World } from 'planck';
import { Car } from './carDynamics.ts';
import { LAP_COMPLETE_PERCENT, PLAYFIELD, TICK_SECONDS } from './constants.ts';
import { createPhysicsWorld, stepPhysicsWorld } from './physicsWorld.ts';
import type { CarSpawn } from './startGrid.ts';
import { applyTileContactEvents, createCarTileState, recordTileContacts } from './tileContacts.ts';
import type { CarTileState, TileContactEvent, TileUserData } from './tileContacts.ts';
import type { Track } from './trackTypes.ts';

/**
 * One track and 1..16 cars in one planck world, stepped like Gymnasium's CarRacing
 * (and MultiCarRacing for several cars). Pure and deterministic: the state after n steps
 * depends only on the track, the spawns and the controls.
 *
 * Order of a step (spec §7.3, §6.1): apply each car's controls, `Car.step` for every car in id
 * order, `world.step` (the tile contacts it reports are only recorded), then the records are
 * applied ({@link applyTileContactEvents}), `t += 1/FPS`, and the per-car reward bookkeeping.
 * Contacts of step k are therefore evaluated on the positions after step k−1, and the friction
 * of step k uses the tile sets left by step k−1 (spec §6.2).
 */

export const MAX_CARS = 16;

/** The arguments of `car.steer`, `car.gas`, `car.brake` (steer NOT negated: the env does that). */
export interface CarControls {
  readonly steer: number;
  readonly gas: number;
  readonly brake: number;
}

export interface SimulationConfig {
  readonly track: Pick<Track, 'tileCount' | 'tileVertices'>;
  /** One per car, in car id order (the race layer computes the grid). */
  readonly spawns: readonly CarSpawn[];
  /** Fraction of tiles after which touching tile 0 sets the lap flag (default 0.95). */
  readonly lapCompletePercent?: number;
}

/** A Box2D body transform as float32 values widened to double: position and rotation (c = cos, s = sin). */
export interface Float32Transform {
  readonly px: number;
  readonly py: number;
  readonly c: number;
  readonly s: number;
}

export interface WheelPhysicsState {
  readonly transform: Float32Transform;
  readonly phase: number;
  readonly omega: number;
  readonly jointAngle: number;
  readonly gas: number;
  readonly brake: number;
  readonly steer: number;
  /** Number of tiles under the wheel (`len(wheel.tiles)`). */
  readonly tileCount: number;
}

/**
 * Everything observable about one car, as pybox2d reports it (float32 values widened to
 * double). Structurally a `CarRenderState` without `hullColor`.
 */
export interface CarPhysicsState {
  readonly hullPosition: readonly [number, number];
  readonly hullAngle: number;
  readonly hullTransform: Float32Transform;
  readonly hullLinearVelocity: readonly [number, number];
  readonly hullAngularVelocity: number;
  readonly awake: boolean;
  /** 0 front-left, 1 front-right, 2 rear-left, 3 rear-right. */
  readonly wheels: readonly WheelPhysicsState[];
}

/** What Gymnasium's `step` works out for one car after the physics (spec §7.3 step 6). */
export interface CarStepOutcome {
  /** `step_reward`: reward − prev_reward, or −100 when the hull left the field; 0 without controls. */
  readonly stepReward: number;
  readonly terminated: boolean;
  /** `info["lap_finished"]` when terminated, else undefined. */
  readonly lapFinished: boolean | undefined;
  /** The running reward before this step's −0.1: what the HUD of this step's observation shows. */
  readonly hudReward: number;
}

/**
 * The hull's pose and velocity and the front-left steering joint angle, as {@link Simulation.carState}
 * reports them (float32 values widened to double), in a caller-owned object the
 * {@link Simulation.readCarPose} accessor overwrites: per-tick readers (bots, progress, snapshots)
 * need no allocation.
 */
export interface CarPose {
  /** `carState(k).hullPosition[0]`. */
  x: number;
  /** `carState(k).hullPosition[1]`. */
  y: number;
  /** `carState(k).hullAngle`. */
  angle: number;
  /** `carState(k).hullLinearVelocity[0]`. */
  vx: number;
  /** `carState(k).hullLinearVelocity[1]`. */
  vy: number;
  /** `carState(k).wheels[0].jointAngle`. */
  steerJointAngle: number;
}

export function createCarPose(): CarPose {
  return { x: 0, y: 0, angle: 0, vx: 0, vy: 0, steerJointAngle: 0 };
}

const f32 = Math.fround;

function transformOf(body: Body): Float32Transform {
  const p = body.getPosition();
  const a = f32(body.getAngle());
  return { px: f32(p.x), py: f32(p.y), c: f32(Math.cos(a)), s: f32(Math.sin(a)) };
}

export class Simulation {
  readonly world: World;
  readonly tileCount: number;
  readonly lapCompletePercent: number;
  readonly cars: readonly Car[];
  /** Per-car tile visits, rewards and recolouring, indexed by car id. */
  readonly carTiles: readonly CarTileState[];
  readonly tileBodies: readonly Body[];
  /** Number of `step` calls so far (the reset step included). */
  tick = 0;
  /** `env.t`: += 1/FPS per step, accumulated in double. */
  t = 0.0;
  private readonly events: TileContactEvent[] = [];

  constructor(config: SimulationConfig) {
    const { track, spawns } = config;
    if (spawns.length < 1 || spawns.length > MAX_CARS) {
      throw new RangeError(`a simulation has 1..${MAX_CARS} cars, got ${spawns.length}`);
    }
    this.tileCount = track.tileCount;
    this.lapCompletePercent = config.lapCompletePercent ?? LAP_COMPLETE_PERCENT;
    this.world = createPhysicsWorld();
    recordTileContacts(this.world, this.events);

    const v = track.tileVertices;
    const tiles: Body[] = [];
    for (let i = 0; i < track.tileCount; i++) {
      const o = 8 * i;
      const body = this.world.createBody({ type: 'static' });
      const data: TileUserData = { kind: 'tile', tileIndex: i };
      body.setUserData(data);
      const quad = [0, 1, 2, 3].map((q) => Vec2(f32(v[o + 2 * q]), f32(v[o + 2 * q + 1])));
      body.createFixture(new Polygon(quad), { density: 0, friction: f32(0.2), isSensor: true });
      tiles.push(body);
    }
    this.tileBodies = tiles;

    this.cars = spawns.map((s, k) => new Car(this.world, s.angle, s.x, s.y, { carIndex: k }));
    this.carTiles = spawns.map(() => createCarTileState(track.tileCount));
  }

  get carCount(): number {
    return this.cars.length;
  }

  /**
   * One step for every car. `controls[k]` null (or `controls` null) leaves car k's controls
   * as they are and skips its reward bookkeeping, like Gymnasium's `step(None)` in `reset`.
   */
  step(controls: readonly (CarControls | null)[] | null): CarStepOutcome[] {
    for (let k = 0; k < this.cars.length; k++) {
      const c = controls?.[k] ?? null;
      if (c !== null) {
        this.cars[k].steer(c.steer);
        this.cars[k].gas(c.gas);
        this.cars[k].brake(c.brake);
      }
    }
    for (const car of this.cars) car.step(TICK_SECONDS);
    this.events.length = 0;
    stepPhysicsWorld(this.world);
    applyTileContactEvents(this.events, {
      tileCount: this.tileCount,
      lapCompletePercent: this.lapCompletePercent,
      cars: this.carTiles,
      wheelTiles: (carIndex, wheelIndex) => this.cars[carIndex].wheels[wheelIndex].tiles,
    });
    this.tick += 1;
    this.t += TICK_SECONDS;

    const outcomes: CarStepOutcome[] = [];
    for (let k = 0; k < this.cars.length; k++) {
      const acted = (controls?.[k] ?? null) !== null;
      outcomes.push(settleCarReward(this.carTiles[k], this.tileCount, acted, this.isOutOfPlayfield(k)));
    }
    return outcomes;
  }

  /** Reward events of the last step (for diagnostics), in the order planck reported them. */
  get lastStepEvents(): readonly TileContactEvent[] {
    return this.events;
  }

  /** Hull origin outside the playfield: |x| > PLAYFIELD or |y| > PLAYFIELD (strict, float32 position). */
  isOutOfPlayfield(carIndex: number): boolean {
    const p = this.cars[carIndex].hull.getPosition();
    return Math.abs(f32(p.x)) > PLAYFIELD || Math.abs(f32(p.y)) > PLAYFIELD;
  }

  tilesVisited(carIndex: number): number {
    return this.carTiles[carIndex].visitedCount;
  }

  /** 1 per tile car k's wheels have touched (`road_visited` in a single-car env). */
  visitedFlags(carIndex: number): Uint8Array {
    return this.carTiles[carIndex].visited;
  }

  /** 1 per tile shown in road colour in car k's own view. */
  tileInRoadColor(carIndex: number): Uint8Array {
    return this.carTiles[carIndex].tileInRoadColor;
  }

  /** The running `env.reward` of car k. */
  reward(carIndex: number): number {
    return this.carTiles[carIndex].reward;
  }

  /** Hull x of car k as `carState(k).hullPosition[0]` reports it (no allocation). */
  hullX(carIndex: number): number {
    return f32(this.cars[carIndex].hull.getPosition().x);
  }

  /** Hull y of car k as `carState(k).hullPosition[1]` reports it (no allocation). */
  hullY(carIndex: number): number {
    return f32(this.cars[carIndex].hull.getPosition().y);
  }

  /** Writes car k's pose (the same values {@link carState} reports) into `out` and returns it; allocates nothing. */
  readCarPose(carIndex: number, out: CarPose): CarPose {
    const car = this.cars[carIndex];
    const hull = car.hull;
    const p = hull.getPosition();
    const v = hull.getLinearVelocity();
    out.x = f32(p.x);
    out.y = f32(p.y);
    out.angle = f32(hull.getAngle());
    out.vx = f32(v.x);
    out.vy = f32(v.y);
    out.steerJointAngle = f32(car.wheels[0].joint.getJointAngle());
    return out;
  }

  carState(carIndex: number): CarPhysicsState {
    const car = this.cars[carIndex];
    const hull = car.hull;
    const p = hull.getPosition();
    const v = hull.getLinearVelocity();
    return {
      hullPosition: [f32(p.x), f32(p.y)],
      hullAngle: f32(hull.getAngle()),
      hullTransform: transformOf(hull),
      hullLinearVelocity: [f32(v.x), f32(v.y)],
      hullAngularVelocity: f32(hull.getAngularVelocity()),
      awake: hull.isAwake(),
      wheels: car.wheels.map((w) => ({
        transform: transformOf(w.body),
        phase: w.phase,
        omega: w.omega,
        jointAngle: f32(w.joint.getJointAngle()),
        gas: w.gas,
        brake: w.brake,
        steer: w.steer,
        tileCount: w.tiles.size,
      })),
    };
  }
}

/**
 * Gymnasium's per-step reward bookkeeping for one car (spec §7.3 step 6), applied to the
 * car's running reward after the physics: −0.1, step reward as the difference of running
 * totals, lap end when every tile is visited (or the lap flag), −100 replacing the step reward
 * when the hull left the field. Without controls (the reset step) nothing is booked.
 */
export function settleCarReward(
  state: CarTileState,
  tileCount: number,
  acted: boolean,
  outOfPlayfield: boolean,
): CarStepOutcome {
  const hudReward = state.reward;
  if (!acted) return { stepReward: 0, terminated: false, lapFinished: undefined, hudReward };
  state.reward -= 0.1;
  let stepReward = state.reward - state.prevReward;
  state.prevReward = state.reward;
  let terminated = false;
  let lapFinished: boolean | undefined;
  if (state.visitedCount === tileCount || state.newLap) {
    terminated = true;
    lapFinished = true;
  }
  if (outOfPlayfield) {
    terminated = true;
    lapFinished = false;
    stepReward = -100;
  }
  return { stepReward, terminated, lapFinished, hudReward };
}

/** Builds the world and runs Gymnasium's reset step (`step(None)`: spawn tiles are counted here). */
export function createSimulation(config: SimulationConfig): Simulation {
  const sim = new Simulation(config);
  sim.step(null);
  return sim;
}
