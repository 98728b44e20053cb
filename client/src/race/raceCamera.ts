import type { Container } from 'pixi.js';
import type { CarPose } from './carGraphics.ts';

/** `chase`: behind the followed car, turning with it as CarRacing's camera does; `north`: following it, north up; `track`: the whole track. */
export type CameraMode = 'chase' | 'north' | 'track';

export interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** World units visible across the shorter side of the view when following a car (CarRacing shows ~50). */
const FOLLOW_VIEW_UNITS = 70;
/** How fast the chase camera turns after the car, per second (a little lag reads as motion). */
const CHASE_TURN_RATE = 12;

/**
 * Places the world container (world units, y up) on the screen for a camera mode: scale
 * (zoom, −zoom) flips y; in chase mode the rotation equals the hull angle so the car points up.
 */
export class RaceCamera {
  mode: CameraMode = 'chase';
  private rotation: number | null = null;

  apply(
    world: Container,
    width: number,
    height: number,
    target: CarPose | null,
    track: Bounds,
    dtSeconds: number,
  ): void {
    if (this.mode === 'track' || target === null) {
      const margin = 24;
      const w = track.maxX - track.minX;
      const h = track.maxY - track.minY;
      const zoom = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
      world.scale.set(zoom, -zoom);
      world.rotation = 0;
      world.pivot.set((track.minX + track.maxX) / 2, (track.minY + track.maxY) / 2);
      world.position.set(width / 2, height / 2);
      this.rotation = null;
      return;
    }
    const zoom = Math.min(width, height * 1.25) / FOLLOW_VIEW_UNITS;
    world.scale.set(zoom, -zoom);
    world.pivot.set(target.x, target.y);
    if (this.mode === 'chase') {
      if (this.rotation === null) this.rotation = target.angle;
      const d = Math.atan2(Math.sin(target.angle - this.rotation), Math.cos(target.angle - this.rotation));
      this.rotation += d * Math.min(1, CHASE_TURN_RATE * dtSeconds);
      world.rotation = this.rotation;
      world.position.set(width / 2, height * 0.68);
    } else {
      world.rotation = 0;
      world.position.set(width / 2, height / 2);
      this.rotation = null;
    }
  }
}
