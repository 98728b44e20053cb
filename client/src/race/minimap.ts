import type { Track } from '../../../shared/sim/trackTypes.ts';
import type { CarPose } from './carGraphics.ts';
import { trackBounds } from './trackGraphics.ts';

const SIZE_PX = 160;
const REDRAW_EVERY_FRAMES = 3;

/**
 * The whole track in a corner, with a dot per car (the followed one ringed). Plain 2D canvas:
 * the road is drawn once into an offscreen canvas, each redraw copies it and adds the dots.
 */
export class Minimap {
  readonly element: HTMLCanvasElement;
  private readonly background: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly toX: (x: number) => number;
  private readonly toY: (y: number) => number;
  private frame = 0;

  constructor(
    track: Track,
    private readonly colors: readonly (readonly [number, number, number])[],
  ) {
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const px = Math.round(SIZE_PX * ratio);
    this.element = document.createElement('canvas');
    this.element.className = 'minimap';
    this.element.width = px;
    this.element.height = px;
    this.element.setAttribute('aria-label', 'Track map');
    this.ctx = this.element.getContext('2d')!;
    const b = trackBounds(track);
    const margin = 8 * ratio;
    const scale = Math.min((px - 2 * margin) / (b.maxX - b.minX), (px - 2 * margin) / (b.maxY - b.minY));
    const ox = (px - (b.maxX - b.minX) * scale) / 2;
    const oy = (px - (b.maxY - b.minY) * scale) / 2;
    this.toX = (x) => ox + (x - b.minX) * scale;
    this.toY = (y) => px - (oy + (y - b.minY) * scale);

    this.background = document.createElement('canvas');
    this.background.width = px;
    this.background.height = px;
    const bg = this.background.getContext('2d')!;
    bg.lineJoin = 'round';
    bg.strokeStyle = 'rgba(255,255,255,0.85)';
    bg.lineWidth = Math.max(3, 13 * scale);
    bg.beginPath();
    track.points.forEach((p, i) =>
      i === 0 ? bg.moveTo(this.toX(p.x), this.toY(p.y)) : bg.lineTo(this.toX(p.x), this.toY(p.y)),
    );
    bg.closePath();
    bg.stroke();
    const start = track.points[0];
    bg.fillStyle = '#111';
    bg.fillRect(this.toX(start.x) - 3 * ratio, this.toY(start.y) - 3 * ratio, 6 * ratio, 6 * ratio);
  }

  draw(poses: readonly CarPose[], visible: readonly boolean[], followed: number, force = false): void {
    if (!force && this.frame++ % REDRAW_EVERY_FRAMES !== 0) return;
    const ctx = this.ctx;
    const ratio = this.element.width / SIZE_PX;
    ctx.clearRect(0, 0, this.element.width, this.element.height);
    ctx.drawImage(this.background, 0, 0);
    const order = poses.map((_, k) => k).sort((a, b) => Number(a === followed) - Number(b === followed));
    for (const k of order) {
      if (!visible[k]) continue;
      const c = this.colors[k] ?? [255, 255, 255];
      ctx.beginPath();
      ctx.arc(this.toX(poses[k].x), this.toY(poses[k].y), (k === followed ? 5 : 3.5) * ratio, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fill();
      ctx.lineWidth = (k === followed ? 2 : 1) * ratio;
      ctx.strokeStyle = k === followed ? '#ffd400' : '#111';
      ctx.stroke();
    }
  }
}
