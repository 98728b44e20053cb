import type { CarRenderState, ObservationScene } from '../render/observationScene.ts';
import { hullColorFor } from '../sim/carColors.ts';
import type { RaceState } from '../sim/race.ts';
import { carRenderStateOf } from './sceneBuilder.ts';

/**
 * What car `carIndex` sees in a race (spec §11.6 with the arena's choices of §11.7): its own
 * camera and HUD, itself in Gymnasium red drawn last, rivals still on track in their own
 * colours, and the road recoloured only where this car has been — exactly the single-car
 * CarRacing frame when the rivals are out of view.
 */
export function buildRaceObservationScene(race: RaceState, carIndex: number): ObservationScene {
  const sim = race.sim;
  const ego = carRenderStateOf(sim.carState(carIndex), hullColorFor(carIndex, carIndex));
  const cars: CarRenderState[] = [];
  for (const car of race.cars) {
    if (car.index !== carIndex && car.status === 'racing') {
      cars.push(carRenderStateOf(sim.carState(car.index), hullColorFor(car.index, carIndex)));
    }
  }
  cars.push(ego);
  return {
    t: sim.t,
    road: race.track.road,
    tileInRoadColor: sim.tileInRoadColor(carIndex),
    roadColor: race.track.roadColor,
    bgColor: race.track.bgColor,
    grassColor: race.track.grassColor,
    ego,
    cars,
    hudReward: race.cars[carIndex].hudReward,
  };
}
