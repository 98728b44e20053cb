import type { CarAction } from '../sim/race.ts';

/** Clamps finite values into CarRacing's action space: steer [−1, 1], gas [0, 1], brake [0, 1]. */
export function clampAction(a: { steer: number; gas: number; brake: number }): CarAction {
  return { steer: clamp(a.steer, -1, 1), gas: clamp(a.gas, 0, 1), brake: clamp(a.brake, 0, 1) };
}

function clamp(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return v === Infinity ? hi : v === -Infinity ? lo : 0;
  return v < lo ? lo : v > hi ? hi : v;
}
