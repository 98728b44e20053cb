/**
 * The agent observation: 96x96 RGB bytes, row-major [row][col][rgb], as a pure function of the
 * scene (spec §8 for v3, §9.1-9.2 for v0).
 */
import { STATE_H, STATE_W } from '../sim/constants.ts';
import type { PolygonRule } from './drawPolygon.ts';
import { renderV3Fast } from './fastV3.ts';
import { renderV0 } from './renderV0.ts';
import type { ObservationScene } from './observationScene.ts';

export type ObservationStyle = 'v3' | 'v0';

export interface RenderOptions {
  /** pygame.draw.polygon edge rule for the cars and the HUD (spec §8.5). Default 'pygame2.6'. */
  polygonRule?: PolygonRule;
}

export const OBSERVATION_BYTES = STATE_W * STATE_H * 3;

export function renderObservation(
  scene: ObservationScene,
  style: ObservationStyle,
  out: Uint8Array = new Uint8Array(OBSERVATION_BYTES),
  options: RenderOptions = {},
): Uint8Array {
  if (out.length < OBSERVATION_BYTES) throw new Error('renderObservation: output buffer too small');
  if (style === 'v3') return renderV3Fast(scene, { rule25: options.polygonRule === 'pygame2.5' }, out);
  return renderV0(scene, out);
}
