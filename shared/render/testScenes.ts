/**
 * Synthetic observation scenes for the renderer tests and benchmark: random camera poses over a
 * real road, cars in any pose, extreme HUD values, several cars, random colours. Deterministic
 * (own PRNG), no I/O.
 */
import { HULL_COLOR, SIZE, WHEELPOS, type Rgb } from '../sim/constants.ts';
import type { RoadDrawList } from '../sim/trackTypes.ts';
import type { CarRenderState, ObservationScene } from './observationScene.ts';

/** mulberry32: a small deterministic PRNG for test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f32 = Math.fround;

/** A car at (x, y) with hull angle `angle`: float32 transforms like Box2D reports them. */
export function makeCar(
  rnd: () => number,
  x: number,
  y: number,
  angle: number,
  hullColor: Rgb = HULL_COLOR,
): CarRenderState {
  const a = f32(angle);
  const c = f32(Math.cos(a));
  const s = f32(Math.sin(a));
  const wheels = WHEELPOS.map(([wx, wy], k) => {
    const steer = k < 2 ? (rnd() - 0.5) * 0.8 : 0;
    const wa = f32(a + steer);
    const px = f32(x + (c * wx - s * wy) * SIZE);
    const py = f32(y + (s * wx + c * wy) * SIZE);
    return {
      transform: { px, py, c: f32(Math.cos(wa)), s: f32(Math.sin(wa)) },
      phase: (rnd() - 0.5) * 200,
      omega: (rnd() - 0.3) * 300,
      jointAngle: steer,
    };
  });
  return {
    hullAngle: a,
    hullTransform: { px: f32(x), py: f32(y), c, s },
    hullLinearVelocity: [f32((rnd() - 0.5) * 120), f32((rnd() - 0.5) * 120)],
    hullAngularVelocity: f32((rnd() - 0.5) * 12),
    wheels,
    hullColor,
  };
}

export interface SceneOptions {
  t?: number;
  cars?: number;
  randomColors?: boolean;
  /** 0: on the road, 1: anywhere on the field, 2: near or beyond the playfield edge. */
  placement?: number;
}

function roadPoint(road: RoadDrawList, rnd: () => number): [number, number, number] {
  const i = Math.floor(rnd() * road.count);
  const v = road.vertices;
  const x = (v[i * 8] + v[i * 8 + 4]) / 2;
  const y = (v[i * 8 + 1] + v[i * 8 + 5]) / 2;
  const dx = v[i * 8 + 2] - v[i * 8];
  const dy = v[i * 8 + 3] - v[i * 8 + 1];
  return [x, y, Math.atan2(dy, dx)];
}

export function randomScene(
  road: RoadDrawList,
  tiles: number,
  rnd: () => number,
  options: SceneOptions = {},
): ObservationScene {
  const placement = options.placement ?? 0;
  let x: number;
  let y: number;
  let angle: number;
  if (placement === 0) {
    const [rx, ry, a] = roadPoint(road, rnd);
    x = rx + (rnd() - 0.5) * 8;
    y = ry + (rnd() - 0.5) * 8;
    angle = a + (rnd() - 0.5) * 1.5;
  } else if (placement === 1) {
    x = (rnd() - 0.5) * 600;
    y = (rnd() - 0.5) * 600;
    angle = (rnd() - 0.5) * 20;
  } else {
    const side = Math.floor(rnd() * 4);
    const along = (rnd() - 0.5) * 700;
    const off = 320 + rnd() * 40;
    x = side === 0 ? off : side === 1 ? -off : along;
    y = side === 2 ? off : side === 3 ? -off : along;
    angle = rnd() * 7;
  }
  if (rnd() < 0.1) angle = (Math.floor(rnd() * 8) * Math.PI) / 2; // exact quarter turns
  const ego = makeCar(rnd, x, y, angle);
  const cars: CarRenderState[] = [];
  const nCars = options.cars ?? 1;
  for (let k = 1; k < nCars; k++) {
    const color: Rgb = [Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256)];
    cars.push(makeCar(rnd, x + (rnd() - 0.5) * 12, y + (rnd() - 0.5) * 12, rnd() * 7, color));
  }
  cars.push(ego);
  const tileInRoadColor = new Uint8Array(tiles);
  for (let k = 0; k < tiles; k++) tileInRoadColor[k] = rnd() < 0.3 ? 1 : 0;
  const pick = (): Rgb => [rnd() * 210, rnd() * 210, rnd() * 210];
  let roadColor: Rgb = [102, 102, 102];
  let bgColor: Rgb = [102, 204, 102];
  let grassColor: Rgb = [102, 230, 102];
  if (options.randomColors) {
    roadColor = pick();
    bgColor = pick();
    const idx = Math.floor(rnd() * 3);
    grassColor = [
      bgColor[0] + (idx === 0 ? 20 : 0),
      bgColor[1] + (idx === 1 ? 20 : 0),
      bgColor[2] + (idx === 2 ? 20 : 0),
    ];
  }
  const rewards = [0, 6.27, -0.3, -3.2, 35.87, 999.9, -99.99, 1234.5, -1234.5, 12345.6, -123456.7, 1e7];
  return {
    t: options.t ?? 1.02,
    road,
    tileInRoadColor,
    roadColor,
    bgColor,
    grassColor,
    ego,
    cars,
    hudReward: rewards[Math.floor(rnd() * rewards.length)] + (rnd() < 0.5 ? rnd() : 0),
  };
}
