import { HULL_COLOR, type Rgb } from './constants.ts';

/**
 * Hull colours in a race. In a car's own observation it is always Gymnasium's red (so an agent
 * trained alone on CarRacing sees itself as it was trained); rivals take these distinct colours,
 * none of them red, by car index (MultiCarRacing's palette first, spec §11.2).
 */
export const RIVAL_COLORS: readonly Rgb[] = [
  [0, 0, 204],
  [0, 204, 0],
  [0, 204, 204],
  [204, 204, 204],
  [204, 0, 204],
  [204, 204, 0],
  [0, 0, 0],
  [255, 128, 0],
  [128, 0, 255],
  [0, 128, 128],
  [128, 64, 0],
  [255, 255, 255],
  [0, 96, 0],
  [96, 96, 255],
  [255, 160, 200],
  [64, 64, 64],
];

export const EGO_COLOR: Rgb = HULL_COLOR;

/** Colour of car `carIndex` as seen from car `viewerIndex` (red for itself). */
export function hullColorFor(carIndex: number, viewerIndex: number): Rgb {
  return carIndex === viewerIndex ? EGO_COLOR : RIVAL_COLORS[carIndex % RIVAL_COLORS.length];
}
