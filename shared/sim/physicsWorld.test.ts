import { Settings } from 'planck';
import { describe, expect, it } from 'vitest';
import { createPhysicsWorld, POSITION_ITERATIONS, VELOCITY_ITERATIONS, WORLD_STEP_SECONDS } from './physicsWorld.ts';

describe('physics world', () => {
  it("uses planck Settings equal to Box2D 2.3's b2Settings (spec §2.3)", () => {
    expect(Settings.lengthUnitsPerMeter).toBe(1);
    expect(Settings.maxTranslation).toBe(2.0);
    expect(Settings.maxRotation).toBe(0.5 * Math.PI);
    expect(Settings.linearSlop).toBe(0.005);
    expect(Settings.polygonRadius).toBe(0.01);
    expect(Settings.angularSlop).toBe((2.0 / 180.0) * Math.PI);
    expect(Settings.aabbExtension).toBe(0.1);
    expect(Settings.aabbMultiplier).toBe(2.0);
    expect(Settings.baumgarte).toBe(0.2);
    expect(Settings.maxLinearCorrection).toBe(0.2);
    expect(Settings.maxAngularCorrection).toBe((8.0 / 180.0) * Math.PI);
    expect(Settings.velocityThreshold).toBe(1.0);
    expect(Settings.timeToSleep).toBe(0.5);
    expect(Settings.linearSleepTolerance).toBe(0.01);
    expect(Settings.angularSleepTolerance).toBe((2.0 / 180.0) * Math.PI);
    expect(Settings.maxManifoldPoints).toBe(2);
    // planck allows 12 vertices (pybox2d 16); no CarRacing polygon has more than 8.
    expect(Settings.maxPolygonVertices).toBeGreaterThanOrEqual(8);
  });

  it('configures the world like CarRacing and steps with 180/60 iterations', () => {
    const world = createPhysicsWorld();
    expect(world.getGravity().x).toBe(0);
    expect(world.getGravity().y).toBe(0);
    expect(world.getAllowSleeping()).toBe(true);
    expect(world.getWarmStarting()).toBe(true);
    expect(world.getContinuousPhysics()).toBe(true);
    expect(world.getSubStepping()).toBe(false);
    expect(VELOCITY_ITERATIONS).toBe(180);
    expect(POSITION_ITERATIONS).toBe(60);
    expect(WORLD_STEP_SECONDS).toBe(0.02);
  });

  it('honours the iteration counts passed to step', () => {
    const world = createPhysicsWorld();
    world.step(WORLD_STEP_SECONDS, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
    const step = (world as unknown as { s_step: { velocityIterations: number; positionIterations: number } }).s_step;
    expect(step.velocityIterations).toBe(180);
    expect(step.positionIterations).toBe(60);
  });
});
