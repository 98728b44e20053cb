import { Polygon, RevoluteJoint, Vec2 } from 'planck';
import type { Body, World } from 'planck';
import {
  ENGINE_POWER,
  FRICTION_LIMIT,
  HULL_POLY1,
  HULL_POLY2,
  HULL_POLY3,
  HULL_POLY4,
  SIZE,
  STEERING_MAX_MOTOR_TORQUE,
  TYRE_FORCE_GAIN,
  WHEEL_MOMENT_OF_INERTIA,
  WHEEL_POLY,
  WHEEL_R,
  WHEELPOS,
  BRAKE_FORCE,
} from './constants.ts';
import type { Vec2Tuple } from './constants.ts';

/**
 * Port of Gymnasium's `car_dynamics.py` (spec §5), method by method, on planck.js.
 *
 * Box2D (the reference) keeps every body quantity in float32; `Car.step` runs in float64 and
 * only sees float32 values widened to double. Where a value crosses that boundary in the
 * reference, it is rounded with `Math.fround` here too: body poses and joint parameters at
 * creation, every getter `Car.step` reads (joint angle, rotation, velocity), and every value it
 * stores into Box2D (motor speed, force). planck itself integrates in float64, so this makes the
 * inputs of `Car.step` and of each `world.step` look like the reference's, not the engine.
 */

const f32 = Math.fround;

/** Wheel radius as car_dynamics computes it: front_k · WHEEL_R · SIZE with front_k = 1.0. */
export const WHEEL_RAD = 1.0 * WHEEL_R * SIZE;
/** Steering joint limits (rad). */
export const STEER_JOINT_LIMIT = 0.4;
/** Collision filter of wheels: category 0x20, colliding with hulls (0x1) only. */
export const WHEEL_CATEGORY = 0x0020;
export const WHEEL_MASK = 0x0001;
/** Friction of a road tile (`tile.road_friction` in Gymnasium). */
export const ROAD_FRICTION = 1.0;

/** What a body of a car is, stored as planck userData (tiles use {@link TileUserData}). */
export interface CarPartUserData {
  readonly kind: 'hull' | 'wheel';
  readonly carIndex: number;
  /** 0..3 for a wheel, -1 for the hull. */
  readonly wheelIndex: number;
}

export interface Wheel {
  readonly index: number;
  readonly body: Body;
  readonly joint: RevoluteJoint;
  gas: number;
  brake: number;
  steer: number;
  phase: number;
  omega: number;
  /** Tile indices currently under this wheel (maintained by the contact bookkeeping). */
  readonly tiles: Set<number>;
}

export interface CarOptions {
  /** Index stored in the bodies' userData so contacts can be attributed (default 0). */
  readonly carIndex?: number;
  /** Friction of tile `i` (`tile.road_friction`); every Gymnasium tile has 1.0. */
  readonly tileFriction?: (tileIndex: number) => number;
}

/** Minimal view of planck internals used to reproduce Box2D 2.3's `SetMotorSpeed` (see `setMotorSpeed`). */
interface RevoluteJointInternals {
  m_motorSpeed: number;
}

function polygonOf(points: readonly Vec2Tuple[], scale: number): Polygon {
  return new Polygon(points.map(([x, y]) => Vec2(f32(x * scale), f32(y * scale))));
}

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
}

/**
 * Box2D 2.3 `b2Body::SetAwake(true)` only resets the sleep timer of a body that was asleep;
 * planck's `setAwake(true)` always resets it. Reproduce the former.
 */
function wakeUp(body: Body): void {
  if (!body.isAwake()) body.setAwake(true);
}

/**
 * Box2D 2.3 `b2RevoluteJoint::SetMotorSpeed`: wake both bodies (without touching the sleep
 * timer of an awake one), store the speed as float32. planck's `setMotorSpeed` resets both
 * bodies' sleep timers whenever the speed changes, which would keep the car from ever falling
 * asleep, so the field is written directly.
 */
function setMotorSpeed(joint: RevoluteJoint, speed: number): void {
  wakeUp(joint.getBodyA());
  wakeUp(joint.getBodyB());
  (joint as unknown as RevoluteJointInternals).m_motorSpeed = f32(speed);
}

export class Car {
  readonly world: World;
  readonly hull: Body;
  readonly wheels: readonly Wheel[];
  /** Σ dt·ENGINE_POWER·gas (unused by the env, kept for parity). */
  fuelSpent = 0.0;
  private readonly tileFriction: (tileIndex: number) => number;

  /** `Car(world, init_angle, init_x, init_y)`; bodies and joints are created in Gymnasium's order. */
  constructor(world: World, initAngle: number, initX: number, initY: number, options: CarOptions = {}) {
    const carIndex = options.carIndex ?? 0;
    this.world = world;
    this.tileFriction = options.tileFriction ?? (() => ROAD_FRICTION);

    this.hull = world.createBody({
      type: 'dynamic',
      position: Vec2(f32(initX), f32(initY)),
      angle: f32(initAngle),
    });
    const hullData: CarPartUserData = { kind: 'hull', carIndex, wheelIndex: -1 };
    this.hull.setUserData(hullData);
    for (const poly of [HULL_POLY1, HULL_POLY2, HULL_POLY3, HULL_POLY4]) {
      this.hull.createFixture(polygonOf(poly, SIZE), { density: 1.0, friction: f32(0.2), restitution: 0 });
    }

    const wheels: Wheel[] = [];
    const frontK = 1.0;
    for (let j = 0; j < WHEELPOS.length; j++) {
      const [wx, wy] = WHEELPOS[j];
      // The offset is NOT rotated by the initial angle (Gymnasium quirk, spec §5.1).
      const body = world.createBody({
        type: 'dynamic',
        position: Vec2(f32(initX + wx * SIZE), f32(initY + wy * SIZE)),
        angle: f32(initAngle),
      });
      const wheelData: CarPartUserData = { kind: 'wheel', carIndex, wheelIndex: j };
      body.setUserData(wheelData);
      body.createFixture(polygonOf(WHEEL_POLY, frontK * SIZE), {
        density: f32(0.1),
        friction: f32(0.2),
        restitution: 0.0,
        filterCategoryBits: WHEEL_CATEGORY,
        filterMaskBits: WHEEL_MASK,
      });
      const joint = world.createJoint(
        new RevoluteJoint({
          bodyA: this.hull,
          bodyB: body,
          localAnchorA: Vec2(f32(wx * SIZE), f32(wy * SIZE)),
          localAnchorB: Vec2(0, 0),
          referenceAngle: 0,
          enableMotor: true,
          enableLimit: true,
          maxMotorTorque: f32(STEERING_MAX_MOTOR_TORQUE),
          motorSpeed: 0,
          lowerAngle: f32(-STEER_JOINT_LIMIT),
          upperAngle: f32(+STEER_JOINT_LIMIT),
          collideConnected: false,
        }),
      ) as RevoluteJoint;
      wheels.push({
        index: j,
        body,
        joint,
        gas: 0.0,
        brake: 0.0,
        steer: 0.0,
        phase: 0.0,
        omega: 0.0,
        tiles: new Set(),
      });
    }
    this.wheels = wheels;
  }

  /** Rear-wheel throttle: clipped to [0, 1], rises by at most 0.1 per call, drops at once. */
  gas(gas: number): void {
    const g = Math.min(Math.max(gas, 0), 1);
    for (let j = 2; j < 4; j++) {
      const w = this.wheels[j];
      let diff = g - w.gas;
      if (diff > 0.1) diff = 0.1;
      w.gas += diff;
    }
  }

  /** Brake on every wheel; not clipped (≥ 0.9 locks, ≤ 0 does nothing). */
  brake(b: number): void {
    for (const w of this.wheels) w.brake = b;
  }

  /** Target steering joint angle of the front wheels; not clipped (the joint limit bounds it). */
  steer(s: number): void {
    this.wheels[0].steer = s;
    this.wheels[1].steer = s;
  }

  /** One call per physics step, before `world.step` (spec §5.3). */
  step(dt: number): void {
    for (const w of this.wheels) {
      // Steer each wheel (servo on the joint motor).
      const jointAngle = f32(w.joint.getJointAngle());
      const dir = sign(w.steer - jointAngle);
      const val = Math.abs(w.steer - jointAngle);
      setMotorSpeed(w.joint, dir * Math.min(50.0 * val, 3.0));

      // Position => friction_limit
      let frictionLimit = FRICTION_LIMIT * 0.6; // grass
      for (const tile of w.tiles) {
        frictionLimit = Math.max(frictionLimit, FRICTION_LIMIT * this.tileFriction(tile));
      }

      // Force: forw = GetWorldVector((0,1)) = (-s, c), side = GetWorldVector((1,0)) = (c, s),
      // from the float32 rotation Box2D keeps in the body transform.
      const q = w.body.getTransform().q;
      const c = f32(q.c);
      const s = f32(q.s);
      const forwX = -s;
      const forwY = c;
      const sideX = c;
      const sideY = s;
      const v = w.body.getLinearVelocity();
      const vx = f32(v.x);
      const vy = f32(v.y);
      const vf = forwX * vx + forwY * vy;
      const vs = sideX * vx + sideY * vy;

      w.omega += (dt * ENGINE_POWER * w.gas) / WHEEL_MOMENT_OF_INERTIA / (Math.abs(w.omega) + 5.0);
      this.fuelSpent += dt * ENGINE_POWER * w.gas;

      if (w.brake >= 0.9) {
        w.omega = 0;
      } else if (w.brake > 0) {
        const brakeDir = -sign(w.omega);
        let brakeVal = BRAKE_FORCE * w.brake;
        if (Math.abs(brakeVal) > Math.abs(w.omega)) brakeVal = Math.abs(w.omega);
        w.omega += brakeDir * brakeVal;
      }
      w.phase += w.omega * dt;

      const vr = w.omega * WHEEL_RAD;
      let fForce = -vf + vr;
      let pForce = -vs;
      fForce *= TYRE_FORCE_GAIN;
      pForce *= TYRE_FORCE_GAIN;
      let force = Math.sqrt(fForce * fForce + pForce * pForce);

      if (Math.abs(force) > frictionLimit) {
        fForce /= force;
        pForce /= force;
        force = frictionLimit;
        fForce *= force;
        pForce *= force;
      }

      w.omega -= (dt * fForce * WHEEL_RAD) / WHEEL_MOMENT_OF_INERTIA;

      w.body.applyForceToCenter(Vec2(f32(pForce * sideX + fForce * forwX), f32(pForce * sideY + fForce * forwY)), true);
    }
  }

  /** Removes the hull and the wheels (and with them the joints) from the world. */
  destroy(): void {
    this.world.destroyBody(this.hull);
    for (const w of this.wheels) this.world.destroyBody(w.body);
  }
}
