import { RevoluteJoint } from 'planck';

/**
 * planck 1.4.3's `RevoluteJoint.solveVelocityConstraints`, operation for operation, on plain
 * numbers instead of temporary `Vec2`/`Vec3` objects.
 *
 * CarRacing steps the world with 180 velocity iterations (spec §5.4), so every car's four wheel
 * joints run this method 720 times per tick. planck's version allocates four to six vectors each time
 * (`Vec2.zero`, `crossNumVec2`, `neg`, `solve22`/`solve33`) and was the largest single entry of an
 * 8-car race's physics profile (16% of it). This version performs the same IEEE double operations in the same order
 * (including planck's `0 + x` start of `Vec2.zero().addCombine(...)` and its `1 * x` factors, which are exact), so
 * every result is bit for bit planck's: the replays, the reference episodes and the determinism tests
 * do not move (planckRevoluteSolver.test.ts compares both on whole races).
 *
 * It replaces planck's method only when that method's source text is the one this port was made
 * from (hash below). Any other planck build (a new version, a minified browser bundle) keeps its own
 * method.
 */

interface Vec2Like {
  x: number;
  y: number;
}

interface Vec3Like extends Vec2Like {
  z: number;
}

interface JointBody {
  c_velocity: { v: Vec2Like; w: number };
}

/** The fields of planck's RevoluteJoint that the velocity solver reads and writes. */
interface RevoluteSolverState {
  m_bodyA: JointBody;
  m_bodyB: JointBody;
  m_invMassA: number;
  m_invMassB: number;
  m_invIA: number;
  m_invIB: number;
  m_enableMotor: boolean;
  m_enableLimit: boolean;
  m_limitState: number;
  m_motorSpeed: number;
  m_motorMass: number;
  m_motorImpulse: number;
  m_maxMotorTorque: number;
  m_rA: Vec2Like;
  m_rB: Vec2Like;
  m_impulse: Vec3Like;
  m_mass: { ex: Vec3Like; ey: Vec3Like; ez: Vec3Like };
}

// planck's LimitState values
const INACTIVE_LIMIT = 0;
const AT_LOWER_LIMIT = 1;
const AT_UPPER_LIMIT = 2;
const EQUAL_LIMITS = 3;

function clamp(num: number, min: number, max: number): number {
  if (num < min) return min;
  if (num > max) return max;
  return num;
}

export function solveRevoluteVelocity(this: RevoluteSolverState, step: { dt: number }): void {
  const vA = this.m_bodyA.c_velocity.v;
  let wA = this.m_bodyA.c_velocity.w;
  const vB = this.m_bodyB.c_velocity.v;
  let wB = this.m_bodyB.c_velocity.w;
  const mA = this.m_invMassA;
  const mB = this.m_invMassB;
  const iA = this.m_invIA;
  const iB = this.m_invIB;
  const fixedRotation = iA + iB === 0;
  if (this.m_enableMotor && this.m_limitState !== EQUAL_LIMITS && !fixedRotation) {
    const cdot = wB - wA - this.m_motorSpeed;
    let impulse = -this.m_motorMass * cdot;
    const oldImpulse = this.m_motorImpulse;
    const maxImpulse = step.dt * this.m_maxMotorTorque;
    this.m_motorImpulse = clamp(this.m_motorImpulse + impulse, -maxImpulse, maxImpulse);
    impulse = this.m_motorImpulse - oldImpulse;
    wA -= iA * impulse;
    wB += iB * impulse;
  }
  const rA = this.m_rA;
  const rB = this.m_rB;
  const acc = this.m_impulse;
  const { ex, ey, ez } = this.m_mass;
  // Cdot1 = vB + wB × rB − vA − wA × rA, as Vec2.zero().addCombine(...).subCombine(...) computes it
  let cx = 0 + (1 * vB.x + 1 * (-wB * rB.y));
  let cy = 0 + (1 * vB.y + 1 * (wB * rB.x));
  cx -= 1 * vA.x + 1 * (-wA * rA.y);
  cy -= 1 * vA.y + 1 * (wA * rA.x);
  let px: number;
  let py: number;
  if (this.m_enableLimit && this.m_limitState !== INACTIVE_LIMIT && !fixedRotation) {
    const cz = wB - wA;
    // Mat33.solve33(Cdot), then Vec3.neg
    let crossX = ey.y * ez.z - ey.z * ez.y;
    let crossY = ey.z * ez.x - ey.x * ez.z;
    let crossZ = ey.x * ez.y - ey.y * ez.x;
    let det = ex.x * crossX + ex.y * crossY + ex.z * crossZ;
    if (det !== 0) det = 1 / det;
    crossX = ey.y * ez.z - ey.z * ez.y;
    crossY = ey.z * ez.x - ey.x * ez.z;
    crossZ = ey.x * ez.y - ey.y * ez.x;
    const sx = det * (cx * crossX + cy * crossY + cz * crossZ);
    crossX = cy * ez.z - cz * ez.y;
    crossY = cz * ez.x - cx * ez.z;
    crossZ = cx * ez.y - cy * ez.x;
    const sy = det * (ex.x * crossX + ex.y * crossY + ex.z * crossZ);
    crossX = ey.y * cz - ey.z * cy;
    crossY = ey.z * cx - ey.x * cz;
    crossZ = ey.x * cy - ey.y * cx;
    const sz = det * (ex.x * crossX + ex.y * crossY + ex.z * crossZ);
    px = -sx;
    py = -sy;
    let pz = -sz;
    const state = this.m_limitState;
    const newImpulse = acc.z + pz;
    if (
      state === EQUAL_LIMITS ||
      (state === AT_LOWER_LIMIT && !(newImpulse < 0)) ||
      (state === AT_UPPER_LIMIT && !(newImpulse > 0))
    ) {
      acc.x += px;
      acc.y += py;
      acc.z += pz;
    } else if (state === AT_LOWER_LIMIT || state === AT_UPPER_LIMIT) {
      // Vec2.combine(-1, Cdot1, impulse.z, (ez.x, ez.y)), then Mat33.solve22
      const rx = -1 * cx + acc.z * ez.x;
      const ry = -1 * cy + acc.z * ez.y;
      let det2 = ex.x * ey.y - ey.x * ex.y;
      if (det2 !== 0) det2 = 1 / det2;
      px = det2 * (ey.y * rx - ey.x * ry);
      py = det2 * (ex.x * ry - ex.y * rx);
      pz = -acc.z;
      acc.x += px;
      acc.y += py;
      acc.z = 0;
    }
    vA.x -= mA * px;
    vA.y -= mA * py;
    wA -= iA * (rA.x * py - rA.y * px + pz);
    vB.x += mB * px;
    vB.y += mB * py;
    wB += iB * (rB.x * py - rB.y * px + pz);
  } else {
    // Mat33.solve22(-Cdot1)
    const nx = -cx;
    const ny = -cy;
    let det = ex.x * ey.y - ey.x * ex.y;
    if (det !== 0) det = 1 / det;
    px = det * (ey.y * nx - ey.x * ny);
    py = det * (ex.x * ny - ex.y * nx);
    acc.x += px;
    acc.y += py;
    vA.x -= mA * px;
    vA.y -= mA * py;
    wA -= iA * (rA.x * py - rA.y * px);
    vB.x += mB * px;
    vB.y += mB * py;
    wB += iB * (rB.x * py - rB.y * px);
  }
  this.m_bodyA.c_velocity.w = wA;
  this.m_bodyB.c_velocity.w = wB;
}

/**
 * FNV-1a of planck 1.4.3's `RevoluteJoint.prototype.solveVelocityConstraints` source text without
 * white space (its ES module and CommonJS builds differ only in indentation).
 */
export const PLANCK_1_4_3_SOLVER_HASH = 813606875;

export function sourceHash(source: string): number {
  const text = source.replace(/\s+/g, '');
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

type SolverMethod = (this: unknown, step: { dt: number }) => void;
const prototype = RevoluteJoint.prototype as unknown as { solveVelocityConstraints: SolverMethod };

/** planck's own method, kept for the equivalence test. */
export const planckSolveVelocity: SolverMethod = prototype.solveVelocityConstraints;

/** Whether planck's method was replaced (its source is the audited 1.4.3 one). */
export const revoluteSolverInstalled: boolean = sourceHash(planckSolveVelocity.toString()) === PLANCK_1_4_3_SOLVER_HASH;
if (revoluteSolverInstalled) prototype.solveVelocityConstraints = solveRevoluteVelocity as SolverMethod;
