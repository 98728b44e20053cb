import { Container, Graphics } from 'pixi.js';
import { GRASS_DIM, PLAYFIELD, TRACK_WIDTH, type Rgb } from '../../../shared/sim/constants.ts';
import type { Track } from '../../../shared/sim/trackTypes.ts';

/** Packs a 0..255 RGB (floats allowed, as Gymnasium stores them) into 0xRRGGBB. */
export function rgbToHex(c: Rgb | readonly number[]): number {
  const ch = (v: number | undefined): number => Math.min(255, Math.max(0, Math.trunc(v ?? 0)));
  return (ch(c[0]) << 16) | (ch(c[1]) << 8) | ch(c[2]);
}

/**
 * The track as CarRacing draws it, in world units (y up): the field in the background colour,
 * the grass patches of `_render_road` (every other GRASS_DIM square), then every road polygon in
 * `road_poly` order (tiles in their shades, red and white kerbs), and a chequered start line.
 * Static: built once per race.
 */
export function createTrackGraphics(track: Track): Container {
  const view = new Container();
  const field = new Graphics();
  field.rect(-PLAYFIELD, -PLAYFIELD, 2 * PLAYFIELD, 2 * PLAYFIELD).fill(rgbToHex(track.bgColor));
  const grass = rgbToHex(track.grassColor);
  for (let x = -20; x < 20; x += 2) {
    for (let y = -20; y < 20; y += 2) field.rect(GRASS_DIM * x, GRASS_DIM * y, GRASS_DIM, GRASS_DIM);
  }
  field.fill(grass);
  view.addChild(field);

  const road = new Graphics();
  const { vertices, colors, count } = track.road;
  for (let i = 0; i < count; i++) {
    const o = i * 8;
    road
      .poly([
        vertices[o],
        vertices[o + 1],
        vertices[o + 2],
        vertices[o + 3],
        vertices[o + 4],
        vertices[o + 5],
        vertices[o + 6],
        vertices[o + 7],
      ])
      .fill(rgbToHex([colors[i * 3], colors[i * 3 + 1], colors[i * 3 + 2]]));
  }
  view.addChild(road);
  view.addChild(createStartLine(track));
  return view;
}

/** A chequered band across the road at track point 0, where laps are counted. */
function createStartLine(track: Track): Graphics {
  const p = track.points[0];
  const line = new Graphics();
  const squares = 8;
  const side = (2 * TRACK_WIDTH) / squares;
  for (let row = 0; row < 2; row++) {
    for (let i = 0; i < squares; i++) {
      line.rect(-TRACK_WIDTH + i * side, row * side - side, side, side).fill((i + row) % 2 === 0 ? 0xffffff : 0x111111);
    }
  }
  line.position.set(p.x, p.y);
  // Track point angle `beta` is the road direction rotated by -90°; the band lies across it.
  line.rotation = p.beta;
  line.alpha = 0.85;
  return line;
}

/** Bounds of the road in world units, for the whole-track camera and the minimap. */
export function trackBounds(track: Track): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const v = track.road.vertices;
  for (let i = 0; i < v.length; i += 2) {
    minX = Math.min(minX, v[i]);
    maxX = Math.max(maxX, v[i]);
    minY = Math.min(minY, v[i + 1]);
    maxY = Math.max(maxY, v[i + 1]);
  }
  return { minX, minY, maxX, maxY };
}
