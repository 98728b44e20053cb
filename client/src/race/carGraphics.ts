import { Container, Graphics, Text } from 'pixi.js';
import {
  HULL_POLY1,
  HULL_POLY2,
  HULL_POLY3,
  HULL_POLY4,
  SIZE,
  WHEEL_POLY,
  WHEELPOS,
  type Vec2Tuple,
} from '../../../shared/sim/constants.ts';
import { rgbToHex } from './trackGraphics.ts';

/** Where and how a car is drawn this frame (world units, rad). */
export interface CarPose {
  x: number;
  y: number;
  angle: number;
  /** Front wheel angle relative to the hull, rad. */
  steerRad: number;
}

const flat = (poly: readonly Vec2Tuple[]): number[] => poly.flatMap(([x, y]) => [x * SIZE, y * SIZE]);

/**
 * One car as car_dynamics draws it (hull fixtures in the car's colour over four black wheels,
 * the front ones turned by the steering angle), in world units under the world container.
 */
export class CarGraphics {
  readonly view = new Container();
  private readonly frontWheels: Graphics[] = [];

  constructor(color: readonly [number, number, number]) {
    WHEELPOS.forEach(([wx, wy], w) => {
      const wheel = new Graphics().poly(flat(WHEEL_POLY)).fill(0x000000);
      wheel.position.set(wx * SIZE, wy * SIZE);
      if (w < 2) this.frontWheels.push(wheel);
      this.view.addChild(wheel);
    });
    const hull = new Graphics();
    const fill = rgbToHex(color);
    for (const poly of [HULL_POLY1, HULL_POLY2, HULL_POLY3, HULL_POLY4]) hull.poly(flat(poly)).fill(fill);
    // A thin dark outline keeps light colours (white, grey) readable on the road.
    for (const poly of [HULL_POLY1, HULL_POLY3, HULL_POLY4])
      hull.poly(flat(poly)).stroke({ width: 0.12, color: 0x222222 });
    this.view.addChild(hull);
  }

  update(pose: CarPose): void {
    this.view.position.set(pose.x, pose.y);
    this.view.rotation = pose.angle;
    for (const wheel of this.frontWheels) wheel.rotation = pose.steerRad;
  }
}

/** The driver's name above a car, in screen space (it never rotates with the camera). */
export class CarLabel {
  readonly view: Text;

  constructor(name: string, own: boolean) {
    this.view = new Text({
      text: own ? `${name} (you)` : name,
      style: {
        fontFamily: 'system-ui, sans-serif',
        fontSize: 13,
        fontWeight: own ? '700' : '500',
        fill: 0xffffff,
        stroke: { color: 0x111418, width: 3 },
      },
      resolution: 1,
    });
    this.view.anchor.set(0.5, 1.6);
  }
}
