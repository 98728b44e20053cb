import type { CarAction, CarStatus, DnfReason } from '../sim/race.ts';

/**
 * Binary race snapshots, sent at 25 Hz (every second tick). Quantized, little-endian:
 *
 * Header, 8 bytes:
 *   off 0  u8   format version (SNAPSHOT_VERSION = 1)
 *   off 1  u8   car count n (1..16)
 *   off 2  u16  flags: bit 0 = an actions block follows the cars (SNAPSHOT_FLAG_ACTIONS); other bits 0
 *   off 4  u32  tick (ticks played)
 *
 * Then n cars of 10 bytes each, in car index order, car k at 8 + 10·k:
 *   +0  i16  hull x, 1/32 world unit (±1024 units; the playfield is ±333)
 *   +2  i16  hull y, 1/32 world unit
 *   +4  u16  hull angle, 2π/65536 rad, wrapped to [0, 2π)
 *   +6  i8   steering: front-left wheel joint angle / 0.4 rad · 127 (+ = the joint's positive sense)
 *   +7  u8   speed, 0.5 units/s (0..127.5)
 *   +8  u8   laps completed (0..255)
 *   +9  u8   bits 0-4: live position − 1 (0..15); bits 5-7: state
 *            (0 racing, 1 finished, 2 dnf leftField, 3 dnf timeLimit, 4 dnf disconnected, 5 dnf agentTimeout,
 *            6 dnf agentError)
 *
 * Optional actions block (flag bit 0), after the cars: the action each listed car took on the
 * last tick (what an agent decided, what a human's input was), so a spectator can show it:
 *   +0  u16  mask: bit k set = car k has an action below
 *   then per set bit, in car index order, 3 bytes:
 *       i8 steer · 127 (−1..1), u8 gas · 255 (0..1), u8 brake · 255 (0..1)
 * Decoders that predate the block read the same cars and ignore the bytes after them.
 *
 * 8 cars: 88 bytes per snapshot, 2.2 KB/s of payload at 25 Hz (plus 2 + 3 per car with an action).
 */
export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_HEADER_BYTES = 8;
export const SNAPSHOT_CAR_BYTES = 10;
/** Snapshots go out every this many ticks (50 Hz / 2 = 25 Hz). */
export const SNAPSHOT_EVERY_TICKS = 2;
/** Header flag: an actions block follows the cars. */
export const SNAPSHOT_FLAG_ACTIONS = 1;
const ACTION_MASK_BYTES = 2;
const ACTION_BYTES = 3;

const POSITION_UNITS_PER_WORLD_UNIT = 32;
const ANGLE_STEPS = 65536;
const MAX_STEER_RAD = 0.4;
const SPEED_UNITS_PER_WORLD_UNIT_PER_SECOND = 2;
const STATES: readonly (DnfReason | 'racing' | 'finished')[] = [
  'racing',
  'finished',
  'leftField',
  'timeLimit',
  'disconnected',
  'agentTimeout',
  'agentError',
];

export interface CarSnapshot {
  readonly x: number;
  readonly y: number;
  /** rad, in [0, 2π). */
  readonly angle: number;
  /** Front wheel joint angle, rad. */
  readonly steerRad: number;
  /** units/s. */
  readonly speed: number;
  readonly lapsCompleted: number;
  /** 1-based live position. */
  readonly position: number;
  readonly status: CarStatus;
  readonly dnfReason: DnfReason | null;
}

export interface Snapshot {
  readonly tick: number;
  readonly cars: readonly CarSnapshot[];
  /**
   * Optional: `actions[k]` is the action car k took on the last tick, or null when not sent
   * (a bot, a car that is out). Quantized to 1/127 (steer) and 1/255 (gas, brake).
   */
  readonly actions?: readonly (CarAction | null)[];
}

/** Bytes of a snapshot of `carCount` cars, `actionCount` of them with an action (0: no actions block). */
export function snapshotByteLength(carCount: number, actionCount = 0): number {
  const cars = SNAPSHOT_HEADER_BYTES + SNAPSHOT_CAR_BYTES * carCount;
  return actionCount > 0 ? cars + ACTION_MASK_BYTES + ACTION_BYTES * actionCount : cars;
}

/** Packs a snapshot (layout above). Values outside a field's range are clamped to it. */
export function packSnapshot(snapshot: Snapshot, out?: Uint8Array): Uint8Array {
  const n = snapshot.cars.length;
  if (n < 1 || n > 16) throw new RangeError(`a snapshot has 1..16 cars, got ${n}`);
  let actionMask = 0;
  let actionCount = 0;
  snapshot.actions?.forEach((action, k) => {
    if (action !== null && action !== undefined && k < n) {
      actionMask |= 1 << k;
      actionCount++;
    }
  });
  const byteLength = snapshotByteLength(n, actionCount);
  const bytes = out ?? new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, byteLength);
  view.setUint8(0, SNAPSHOT_VERSION);
  view.setUint8(1, n);
  view.setUint16(2, actionCount > 0 ? SNAPSHOT_FLAG_ACTIONS : 0, true);
  view.setUint32(4, clampInt(snapshot.tick, 0, 0xffffffff), true);
  snapshot.cars.forEach((car, k) => {
    const o = SNAPSHOT_HEADER_BYTES + SNAPSHOT_CAR_BYTES * k;
    view.setInt16(o, clampInt(car.x * POSITION_UNITS_PER_WORLD_UNIT, -32768, 32767), true);
    view.setInt16(o + 2, clampInt(car.y * POSITION_UNITS_PER_WORLD_UNIT, -32768, 32767), true);
    const turns = car.angle / (2 * Math.PI);
    view.setUint16(o + 4, Math.round((turns - Math.floor(turns)) * ANGLE_STEPS) % ANGLE_STEPS, true);
    view.setInt8(o + 6, clampInt((car.steerRad / MAX_STEER_RAD) * 127, -127, 127));
    view.setUint8(o + 7, clampInt(car.speed * SPEED_UNITS_PER_WORLD_UNIT_PER_SECOND, 0, 255));
    view.setUint8(o + 8, clampInt(car.lapsCompleted, 0, 255));
    const state = car.status === 'dnf' ? STATES.indexOf(car.dnfReason ?? 'leftField') : STATES.indexOf(car.status);
    view.setUint8(o + 9, (clampInt(car.position - 1, 0, 31) & 0x1f) | (state << 5));
  });
  if (actionCount > 0) {
    let o = snapshotByteLength(n);
    view.setUint16(o, actionMask, true);
    o += ACTION_MASK_BYTES;
    for (let k = 0; k < n; k++) {
      const action = snapshot.actions?.[k];
      if (action === null || action === undefined) continue;
      view.setInt8(o, clampInt(action.steer * 127, -127, 127));
      view.setUint8(o + 1, clampInt(action.gas * 255, 0, 255));
      view.setUint8(o + 2, clampInt(action.brake * 255, 0, 255));
      o += ACTION_BYTES;
    }
  }
  return bytes;
}

/** Unpacks what packSnapshot wrote; throws RangeError on a malformed buffer. */
export function unpackSnapshot(bytes: Uint8Array): Snapshot {
  if (bytes.byteLength < SNAPSHOT_HEADER_BYTES) throw new RangeError('snapshot too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== SNAPSHOT_VERSION) throw new RangeError(`snapshot version ${version}, expected ${SNAPSHOT_VERSION}`);
  const n = view.getUint8(1);
  if (bytes.byteLength < snapshotByteLength(n))
    throw new RangeError(`snapshot of ${n} cars needs ${snapshotByteLength(n)} bytes`);
  const cars: CarSnapshot[] = [];
  for (let k = 0; k < n; k++) {
    const o = SNAPSHOT_HEADER_BYTES + SNAPSHOT_CAR_BYTES * k;
    const packed = view.getUint8(o + 9);
    const state = STATES[packed >> 5] ?? 'racing';
    const status: CarStatus = state === 'racing' || state === 'finished' ? state : 'dnf';
    cars.push({
      x: view.getInt16(o, true) / POSITION_UNITS_PER_WORLD_UNIT,
      y: view.getInt16(o + 2, true) / POSITION_UNITS_PER_WORLD_UNIT,
      angle: (view.getUint16(o + 4, true) / ANGLE_STEPS) * 2 * Math.PI,
      steerRad: (view.getInt8(o + 6) / 127) * MAX_STEER_RAD,
      speed: view.getUint8(o + 7) / SPEED_UNITS_PER_WORLD_UNIT_PER_SECOND,
      lapsCompleted: view.getUint8(o + 8),
      position: (packed & 0x1f) + 1,
      status,
      dnfReason: status === 'dnf' ? (state as DnfReason) : null,
    });
  }
  const tick = view.getUint32(4, true);
  const actions = (view.getUint16(2, true) & SNAPSHOT_FLAG_ACTIONS) !== 0 ? unpackActions(view, n) : null;
  return actions === null ? { tick, cars } : { tick, cars, actions };
}

function unpackActions(view: DataView, n: number): (CarAction | null)[] {
  let o = snapshotByteLength(n);
  if (view.byteLength < o + ACTION_MASK_BYTES) throw new RangeError('snapshot actions block truncated');
  const mask = view.getUint16(o, true);
  o += ACTION_MASK_BYTES;
  const actions: (CarAction | null)[] = [];
  for (let k = 0; k < n; k++) {
    if ((mask & (1 << k)) === 0) {
      actions.push(null);
      continue;
    }
    if (view.byteLength < o + ACTION_BYTES) throw new RangeError('snapshot actions block truncated');
    actions.push({ steer: view.getInt8(o) / 127, gas: view.getUint8(o + 1) / 255, brake: view.getUint8(o + 2) / 255 });
    o += ACTION_BYTES;
  }
  return actions;
}

function clampInt(v: number, lo: number, hi: number): number {
  const r = Math.round(Number.isFinite(v) ? v : 0);
  return r < lo ? lo : r > hi ? hi : r;
}
