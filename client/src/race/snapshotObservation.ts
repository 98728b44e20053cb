import type { ObservationScene, CarRenderState } from '../../../shared/render/observationScene.ts';
import type { Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import { findNearestPoint } from '../../../shared/sim/raceProgress.ts';
import { hullColorFor } from '../../../shared/sim/carColors.ts';
import { SIZE, TICK_SECONDS, TRACK_WIDTH, WHEELPOS } from '../../../shared/sim/constants.ts';
import { WHEEL_RAD } from '../../../shared/sim/carDynamics.ts';
import type { Track } from '../../../shared/sim/trackTypes.ts';

/** A hull this far from the centre line still has a wheel on the road. */
const ON_ROAD_DISTANCE = TRACK_WIDTH + 1.5;

/**
 * Rebuilds, from snapshots alone, the scene an agent's renderer sees (shared/env/raceObservation.ts):
 * the car's camera and HUD, itself in red, rivals in their colours, and the road recoloured where
 * it has driven. Snapshots carry the hull pose, steering and speed; the rest is derived: wheel
 * bodies from the hull pose (front ones turned by the steering angle), wheel spin from the speed,
 * the tiles it touched from its path, the HUD score from those tiles and the tick. So the frame
 * is the agent's view up to those details, not its exact input.
 */
export class SnapshotObservation {
  private readonly tileInRoadColor: Uint8Array;
  private visitedCount = 0;
  private lastNearest: number | null = null;
  private phase = 0;
  private lastTick: number | null = null;
  private lastAngle = 0;
  private angularVelocity = 0;

  constructor(
    private readonly track: Track,
    readonly carIndex: number,
  ) {
    this.tileInRoadColor = new Uint8Array(track.tileCount);
  }

  /** Follows the car's path (call for every snapshot, in order). */
  onSnapshot(snapshot: Snapshot): void {
    const car = snapshot.cars[this.carIndex];
    if (car === undefined) return;
    if (this.lastTick !== null && snapshot.tick > this.lastTick) {
      const dt = (snapshot.tick - this.lastTick) * TICK_SECONDS;
      const turn = Math.atan2(Math.sin(car.angle - this.lastAngle), Math.cos(car.angle - this.lastAngle));
      this.angularVelocity = turn / dt;
      this.phase += (car.speed * dt) / WHEEL_RAD;
    }
    this.lastTick = snapshot.tick;
    this.lastAngle = car.angle;
    const points = this.track.points;
    const n = points.length;
    const nearest = findNearestPoint(points, car.x, car.y);
    const p = points[nearest];
    if (Math.hypot(p.x - car.x, p.y - car.y) > ON_ROAD_DISTANCE) {
      this.lastNearest = null;
      return;
    }
    let from = nearest;
    if (this.lastNearest !== null) {
      const ahead = (nearest - this.lastNearest + n) % n;
      if (ahead < 8) from = this.lastNearest;
    }
    for (let i = from; ; i = (i + 1) % n) {
      this.touch(i);
      this.touch((i + 1) % n);
      if (i === nearest) break;
    }
    this.lastNearest = nearest;
  }

  /** The scene at `snapshot` (the latest one passed to onSnapshot, or close to it). */
  scene(snapshot: Snapshot): ObservationScene | null {
    const ego = snapshot.cars[this.carIndex];
    if (ego === undefined) return null;
    const cars: CarRenderState[] = [];
    snapshot.cars.forEach((car, k) => {
      if (k !== this.carIndex && car.status === 'racing') cars.push(this.carState(snapshot, k, 0, 0));
    });
    const egoState = this.carState(snapshot, this.carIndex, this.phase, this.angularVelocity);
    cars.push(egoState);
    return {
      t: (snapshot.tick + 1) * TICK_SECONDS,
      road: this.track.road,
      tileInRoadColor: this.tileInRoadColor,
      roadColor: this.track.roadColor,
      bgColor: this.track.bgColor,
      grassColor: this.track.grassColor,
      ego: egoState,
      cars,
      hudReward: (this.visitedCount * 1000) / this.track.tileCount - 0.1 * snapshot.tick,
    };
  }

  private touch(tile: number): void {
    if (this.tileInRoadColor[tile] === 1) return;
    this.tileInRoadColor[tile] = 1;
    this.visitedCount++;
  }

  private carState(snapshot: Snapshot, k: number, phase: number, angularVelocity: number): CarRenderState {
    const car = snapshot.cars[k];
    const c = Math.cos(car.angle);
    const s = Math.sin(car.angle);
    const omega = car.speed / WHEEL_RAD;
    return {
      hullAngle: car.angle,
      hullTransform: { px: car.x, py: car.y, c, s },
      hullLinearVelocity: [-s * car.speed, c * car.speed],
      hullAngularVelocity: angularVelocity,
      wheels: WHEELPOS.map(([wx, wy], j) => {
        const turn = j < 2 ? car.steerRad : 0;
        return {
          transform: {
            px: car.x + c * wx * SIZE - s * wy * SIZE,
            py: car.y + s * wx * SIZE + c * wy * SIZE,
            c: Math.cos(car.angle + turn),
            s: Math.sin(car.angle + turn),
          },
          phase,
          omega,
          jointAngle: turn,
        };
      }),
      hullColor: hullColorFor(k, this.carIndex),
    };
  }
}
