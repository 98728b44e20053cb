import type { Contact, World } from 'planck';
import type { CarPartUserData } from './carDynamics.ts';

/**
 * Road-tile contacts (Gymnasium's `FrictionDetector`, spec §6.3), split in two:
 * the planck listeners only RECORD what happened during `world.step`, and
 * {@link applyTileContactEvents} applies the records afterwards, per car.
 */

/** userData of a tile body. */
export interface TileUserData {
  readonly kind: 'tile';
  readonly tileIndex: number;
}

export interface TileContactEvent {
  readonly begin: boolean;
  readonly carIndex: number;
  /** 0..3 for a wheel, -1 for the hull. */
  readonly wheelIndex: number;
  readonly tileIndex: number;
}

/** Per-car view of the road, what Gymnasium keeps on the env and on the tiles for its one car. */
export interface CarTileState {
  /** `tile.road_visited` as seen by this car. */
  readonly visited: Uint8Array;
  /** `tile_visited_count`. */
  visitedCount: number;
  /** `env.reward` of a single-car env driving this car: tile bonuses minus 0.1 per action step. */
  reward: number;
  /** `env.prev_reward`. */
  prevReward: number;
  /** `env.new_lap`. */
  newLap: boolean;
  /** 1 where a body of this car has touched the tile (the tile takes road_color in this car's view). */
  readonly tileInRoadColor: Uint8Array;
}

export function createCarTileState(tileCount: number): CarTileState {
  return {
    visited: new Uint8Array(tileCount),
    visitedCount: 0,
    reward: 0.0,
    prevReward: 0.0,
    newLap: false,
    tileInRoadColor: new Uint8Array(tileCount),
  };
}

type PartData = CarPartUserData | TileUserData;

function partOf(data: unknown): PartData | null {
  if (typeof data !== 'object' || data === null) return null;
  const kind = (data as { kind?: unknown }).kind;
  return kind === 'tile' || kind === 'hull' || kind === 'wheel' ? (data as PartData) : null;
}

/** The tile event a contact stands for, or null when it is not (car body)–tile. */
export function tileContactEvent(contact: Contact, begin: boolean): TileContactEvent | null {
  const a = partOf(contact.getFixtureA().getBody().getUserData());
  const b = partOf(contact.getFixtureB().getBody().getUserData());
  if (a === null || b === null) return null;
  let tile: TileUserData;
  let other: CarPartUserData;
  if (a.kind === 'tile' && b.kind !== 'tile') {
    tile = a;
    other = b;
  } else if (b.kind === 'tile' && a.kind !== 'tile') {
    tile = b;
    other = a;
  } else {
    return null;
  }
  return { begin, carIndex: other.carIndex, wheelIndex: other.wheelIndex, tileIndex: tile.tileIndex };
}

/**
 * Installs begin/end-contact listeners that append tile events to `sink`, in the order planck
 * reports them. Returns a function that removes the listeners.
 */
export function recordTileContacts(world: World, sink: TileContactEvent[]): () => void {
  const onBegin = (contact: Contact): void => {
    const event = tileContactEvent(contact, true);
    if (event !== null) sink.push(event);
  };
  const onEnd = (contact: Contact): void => {
    const event = tileContactEvent(contact, false);
    if (event !== null) sink.push(event);
  };
  world.on('begin-contact', onBegin);
  world.on('end-contact', onEnd);
  return () => {
    world.off('begin-contact', onBegin);
    world.off('end-contact', onEnd);
  };
}

export interface TileContactTargets {
  readonly tileCount: number;
  readonly lapCompletePercent: number;
  readonly cars: readonly CarTileState[];
  /** The `tiles` set of wheel `wheelIndex` of car `carIndex`. */
  wheelTiles(carIndex: number, wheelIndex: number): Set<number>;
}

/**
 * Applies recorded events in order, as `FrictionDetector._contact` would have during the step
 * (spec §6.3, with MultiCarRacing's per-car `road_visited`, §11.4, and per-car recolouring):
 * 1. any contact, begin or end, by any body of car k shows the tile in road colour to car k;
 * 2. a wheel's begin adds the tile to its set and, when car k had not visited the tile yet,
 *    marks it, adds 1000/N to car k's reward and counts it (tile 0 with more than
 *    `lapCompletePercent` of the tiles visited sets the lap flag); a wheel's end removes it.
 * Each car is scored as if it were alone on the track.
 */
export function applyTileContactEvents(events: readonly TileContactEvent[], targets: TileContactTargets): void {
  const n = targets.tileCount;
  for (const e of events) {
    const car = targets.cars[e.carIndex];
    car.tileInRoadColor[e.tileIndex] = 1;
    if (e.wheelIndex < 0) continue; // the hull has no `tiles` set
    const tiles = targets.wheelTiles(e.carIndex, e.wheelIndex);
    if (e.begin) {
      tiles.add(e.tileIndex);
      if (car.visited[e.tileIndex] === 0) {
        car.visited[e.tileIndex] = 1;
        car.reward += 1000.0 / n;
        car.visitedCount += 1;
        if (e.tileIndex === 0 && car.visitedCount / n > targets.lapCompletePercent) {
          car.newLap = true;
        }
      }
    } else {
      tiles.delete(e.tileIndex);
    }
  }
}
