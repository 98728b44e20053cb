import { describe, expect, it } from 'vitest';
import { cameraZoom, canvasX, canvasY, makeRotation, newCamera, rotateX, rotateY, setCamera } from './camera.ts';

describe('camera (spec §8.1)', () => {
  it('uses pygame rotate_rad, with exact quarter turns', () => {
    for (const [angle, mode] of [
      [0, 0],
      [Math.PI / 2, 1],
      [Math.PI, 2],
      [-Math.PI / 2, 3],
      [2 * Math.PI, 0],
      [0.3, 4],
    ] as const) {
      expect(makeRotation(angle).mode).toBe(mode);
    }
    const r = makeRotation(Math.PI / 2);
    expect([rotateX(r, 3, 4), rotateY(r, 3, 4)]).toEqual([-4, 3]);
  });

  it('zooms in over the first second', () => {
    expect(cameraZoom(0.02)).toBe(0.1 * 6 * (1 - 0.02) + 2.7 * 6 * 0.02);
    expect(cameraZoom(1.0000000000000004)).toBe(16.200000000000003);
    expect(cameraZoom(5)).toBe(16.200000000000003);
  });

  it('puts the car origin at canvas (500, 200)', () => {
    const cam = setCamera(newCamera(), 2, -0.7, 123.4, -56.7);
    expect(canvasX(cam, 123.4, -56.7)).toBeCloseTo(500, 9);
    expect(canvasY(cam, 123.4, -56.7)).toBeCloseTo(200, 9);
  });
});
