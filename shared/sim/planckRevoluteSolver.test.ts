import { Box, RevoluteJoint, World, type Body } from 'planck';
import { describe, expect, it } from 'vitest';
import { BOT_TUNINGS, botCarViewOf, PurePursuitBot } from '../bots/purePursuitBot.ts';
import { planckSolveVelocity, revoluteSolverInstalled, solveRevoluteVelocity } from './planckRevoluteSolver.ts';
import { createRace, stepRace, type CarAction } from './race.ts';

type Method = (this: unknown, step: { dt: number }) => void;
const proto = RevoluteJoint.prototype as unknown as { solveVelocityConstraints: Method; m_limitState?: number };

/** Runs `body` with planck's own velocity solver or the port, then restores what was installed. */
function withSolver<T>(which: 'planck' | 'port', body: () => T): T {
  const installed = proto.solveVelocityConstraints;
  proto.solveVelocityConstraints = which === 'planck' ? planckSolveVelocity : (solveRevoluteVelocity as Method);
  try {
    return body();
  } finally {
    proto.solveVelocityConstraints = installed;
  }
}

/** Every body's position, angle and velocities, as raw doubles. */
function worldState(world: World): number[] {
  const out: number[] = [];
  for (let b: Body | null = world.getBodyList(); b; b = b.getNext()) {
    const p = b.getPosition();
    const v = b.getLinearVelocity();
    out.push(p.x, p.y, b.getAngle(), v.x, v.y, b.getAngularVelocity());
  }
  return out;
}

function expectBitEqual(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  const firstDiff = a.findIndex((x, k) => !Object.is(x, b[k]));
  expect(firstDiff).toBe(-1);
}

/** An 8-car race driven by bots (collisions, steering at the joint limits): states after every tick. */
function raceTrace(ticks: number): number[][] {
  const race = createRace({ seed: 5, cars: Array.from({ length: 8 }, (_, k) => ({ id: `car${k}` })) });
  const bots = race.cars.map(
    (_c, k) => new PurePursuitBot(race.track.points, k % 2 ? BOT_TUNINGS.hard : BOT_TUNINGS.easy),
  );
  const trace: number[][] = [];
  for (let t = 0; t < ticks; t++) {
    const actions: CarAction[] = race.cars.map((_car, k) => {
      const [steer, gas, brake] = bots[k].act(botCarViewOf(race.sim.carState(k)));
      return { steer, gas, brake };
    });
    stepRace(race, actions);
    trace.push(worldState(race.sim.world));
  }
  return trace;
}

/**
 * Pairs of dynamic boxes on revolute joints with every limit state (free, at the lower and upper
 * limit, equal limits) and motor setting, kicked by seeded impulses.
 */
function jointTrace(steps: number, seenStates: Set<number>): number[][] {
  const world = new World({ gravity: { x: 0, y: 0 } });
  const configs = [
    { enableLimit: false, enableMotor: false },
    { enableLimit: true, lowerAngle: -0.4, upperAngle: 0.4, enableMotor: true, motorSpeed: 3, maxMotorTorque: 5 },
    { enableLimit: true, lowerAngle: -0.1, upperAngle: 0.2, enableMotor: false },
    { enableLimit: true, lowerAngle: 0.3, upperAngle: 0.3, enableMotor: true, motorSpeed: -2, maxMotorTorque: 50 },
    { enableLimit: true, lowerAngle: -0.05, upperAngle: 0.05, enableMotor: true, motorSpeed: 0, maxMotorTorque: 0.5 },
  ];
  const joints: RevoluteJoint[] = [];
  const bodies: Body[] = [];
  configs.forEach((cfg, k) => {
    const base = world.createBody({ type: 'dynamic', position: { x: 6 * k, y: -1 } });
    // sizes and densities that make no mass or inertia a power of two (scaling by one is exact)
    base.createFixture({ shape: new Box(1.1, 0.9), density: 2.7 });
    const arm = world.createBody({ type: 'dynamic', position: { x: 6 * k, y: 1.5 }, angularDamping: 0.1 });
    arm.createFixture({ shape: new Box(0.45, 1.35), density: 1.3 + k });
    bodies.push(base, arm);
    joints.push(world.createJoint(new RevoluteJoint(cfg, base, arm, { x: 6 * k + 0.2, y: 0.1 }))!);
  });
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const trace: number[][] = [];
  for (let s = 0; s < steps; s++) {
    for (const body of bodies) {
      body.applyLinearImpulse({ x: 20 * rand(), y: 20 * rand() }, body.getWorldPoint({ x: 0, y: 1.5 }), true);
      body.applyAngularImpulse(10 * rand(), true);
    }
    world.step(1 / 50, 30, 10);
    for (const joint of joints) seenStates.add((joint as unknown as { m_limitState: number }).m_limitState);
    trace.push(worldState(world));
  }
  return trace;
}

describe("planck's revolute velocity solver without temporaries", () => {
  it('replaces planck 1.4.3 method (the source it was ported from)', () => {
    expect(revoluteSolverInstalled).toBe(true);
    expect(proto.solveVelocityConstraints).toBe(solveRevoluteVelocity);
  });

  it('gives bit-identical joints in every limit state and motor setting', () => {
    const planckStates = new Set<number>();
    const portStates = new Set<number>();
    const theirs = withSolver('planck', () => jointTrace(300, planckStates));
    const ours = withSolver('port', () => jointTrace(300, portStates));
    // inactive, at lower, at upper, equal limits: every branch of the solver ran
    expect([...planckStates].sort()).toEqual([0, 1, 2, 3]);
    expect([...portStates].sort()).toEqual([0, 1, 2, 3]);
    for (let s = 0; s < theirs.length; s++) expectBitEqual(ours[s], theirs[s]);
  });

  it('gives a bit-identical 8-car race, collisions and steering limits included', () => {
    const theirs = withSolver('planck', () => raceTrace(400));
    const ours = withSolver('port', () => raceTrace(400));
    for (let t = 0; t < theirs.length; t++) expectBitEqual(ours[t], theirs[t]);
  });
});
