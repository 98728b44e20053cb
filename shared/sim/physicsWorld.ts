import { World } from 'planck';
import { FPS } from './constants.ts';
// planck's revolute-joint velocity solver without temporaries (bit-identical; see the module)
import './planckRevoluteSolver.ts';

/**
 * The Box2D world as Gymnasium's CarRacing configures it (spec §2.3, §5.4): no gravity,
 * sleeping allowed, warm starting and continuous physics on, sub-stepping off, and
 * `Step(1/FPS, 6*30, 2*30)`.
 *
 * planck's global `Settings` already hold Box2D 2.3's values (maxTranslation 2.0,
 * maxRotation π/2, linearSlop 0.005, polygonRadius 0.01, aabbExtension 0.1,
 * aabbMultiplier 2.0, baumgarte 0.2, maxLinearCorrection 0.2, maxAngularCorrection 8°,
 * velocityThreshold 1.0, timeToSleep 0.5, linear/angular sleep tolerance 0.01 / 2°), so they
 * are left untouched (checked in physicsWorld.test.ts). The one difference that remains is
 * the sensor-overlap threshold: planck tests distance < 10·1e-9, Box2D < 10·FLT_EPSILON.
 */
export const VELOCITY_ITERATIONS = 6 * 30;
export const POSITION_ITERATIONS = 2 * 30;
/**
 * The step length handed to `World.step`. Deliberately the double 1/FPS and not its float32
 * rounding: Box2D accumulates the sleep timer in float32 (25 × 0.02f = 0.50000006 ≥ 0.5), and
 * only the double 0.02 reproduces that the car falls asleep after exactly 25 idle steps
 * (25 × float32(0.02) in double is 0.49999999 < 0.5).
 */
export const WORLD_STEP_SECONDS = 1.0 / FPS;

export function createPhysicsWorld(): World {
  return new World({
    gravity: { x: 0, y: 0 },
    allowSleep: true,
    warmStarting: true,
    continuousPhysics: true,
    subStepping: false,
  });
}

export function stepPhysicsWorld(world: World): void {
  world.step(WORLD_STEP_SECONDS, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
}
