import { Application, Container, type RendererPreference } from 'pixi.js';
import type { Track } from '../../../shared/sim/trackTypes.ts';
import { CarGraphics, CarLabel, type CarPose } from './carGraphics.ts';
import { RaceCamera, type CameraMode } from './raceCamera.ts';
import { arenaDebug, recordDebugFrame } from './raceDebug.ts';
import { createTrackGraphics, rgbToHex, trackBounds } from './trackGraphics.ts';

export interface RaceViewCar {
  readonly carIndex: number;
  readonly name: string;
  readonly color: readonly [number, number, number];
  /** The viewer's own car (labelled "(you)"). */
  readonly own: boolean;
}

export interface RaceViewOptions {
  /** Pixi renderer to try first. [default: preferredRenderer()] */
  readonly renderer?: RendererPreference;
}

/**
 * The race drawn with Pixi.js: the track from shared/, every car in its colour with its name,
 * and the camera. Each frame it calls `onFrame(nowMs, dtSeconds)`, which writes the cars' poses
 * into `poses` (and `visible`), then draws them. `follow` is the car the camera follows.
 */
export class RaceView {
  readonly poses: CarPose[];
  readonly visible: boolean[];
  /** Cars that finished or are out: drawn faded (they stop where they left the race, often on the line). */
  readonly faded: boolean[];
  readonly camera = new RaceCamera();
  follow = 0;
  onFrame: (nowMs: number, dtSeconds: number) => void = () => undefined;
  private readonly world = new Container();
  private readonly labels = new Container();
  private readonly carGraphics: CarGraphics[];
  private readonly carLabels: CarLabel[];
  private readonly bounds: ReturnType<typeof trackBounds>;
  private destroyed = false;

  private constructor(
    private readonly app: Application,
    track: Track,
    cars: readonly RaceViewCar[],
  ) {
    this.bounds = trackBounds(track);
    this.world.addChild(createTrackGraphics(track));
    this.poses = cars.map(() => ({ x: 0, y: 0, angle: 0, steerRad: 0 }));
    this.visible = cars.map(() => false);
    this.faded = cars.map(() => false);
    this.carGraphics = cars.map((car) => new CarGraphics(car.color));
    this.carLabels = cars.map((car) => new CarLabel(car.name, car.own));
    // The own car is drawn last, on top.
    const order = [...cars].sort((a, b) => Number(a.own) - Number(b.own));
    for (const car of order) {
      this.world.addChild(this.carGraphics[car.carIndex].view);
      this.labels.addChild(this.carLabels[car.carIndex].view);
    }
    app.stage.addChild(this.world, this.labels);
    app.ticker.add((ticker) => this.frame(ticker.deltaMS / 1000));
  }

  static async create(
    parent: HTMLElement,
    track: Track,
    cars: readonly RaceViewCar[],
    options: RaceViewOptions = {},
  ): Promise<RaceView> {
    const app = new Application();
    await app.init({
      resizeTo: parent,
      background: darken(rgbToHex(track.bgColor)),
      antialias: false,
      autoDensity: true,
      resolution: Math.min(window.devicePixelRatio || 1, 2),
      preference: options.renderer ?? preferredRenderer(),
      powerPreference: 'high-performance',
    });
    app.canvas.classList.add('race-canvas');
    parent.appendChild(app.canvas);
    arenaDebug.renderer = app.renderer.name;
    return new RaceView(app, track, cars);
  }

  set cameraMode(mode: CameraMode) {
    this.camera.mode = mode;
  }

  get cameraMode(): CameraMode {
    return this.camera.mode;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.app.destroy({ removeView: true }, { children: true });
  }

  private frame(dtSeconds: number): void {
    if (this.destroyed) return;
    const now = performance.now();
    this.onFrame(now, dtSeconds);
    const drawn: ([number, number] | null)[] = [];
    let any = false;
    for (let k = 0; k < this.poses.length; k++) {
      const shown = this.visible[k];
      this.carGraphics[k].view.visible = shown;
      this.carLabels[k].view.visible = shown;
      if (shown) {
        this.carGraphics[k].view.alpha = this.faded[k] ? 0.35 : 1;
        this.carLabels[k].view.alpha = this.faded[k] ? 0.5 : 1;
        this.carGraphics[k].update(this.poses[k]);
        any = true;
      }
      drawn.push(shown ? [this.poses[k].x, this.poses[k].y] : null);
    }
    const { width, height } = this.app.screen;
    const target = this.visible[this.follow] ? this.poses[this.follow] : null;
    this.camera.apply(this.world, width, height, target, this.bounds, dtSeconds);
    for (let k = 0; k < this.poses.length; k++) {
      if (!this.visible[k]) continue;
      const p = this.world.toGlobal({ x: this.poses[k].x, y: this.poses[k].y });
      this.carLabels[k].view.position.set(Math.round(p.x), Math.round(p.y - 8));
    }
    if (any && arenaDebug.firstFrameMs === null) arenaDebug.firstFrameMs = now;
    recordDebugFrame({ t: now, cars: drawn });
  }
}

/**
 * WebGL on a real GPU; Pixi's canvas renderer where WebGL is emulated in software (SwiftShader,
 * llvmpipe), which measured 6x faster there (bench/client.bench.ts: 9 fps against 60 with 8 cars,
 * and 8 s against 1 s to the first frame, mostly shader compilation).
 */
export function preferredRenderer(): RendererPreference {
  probedRenderer ??= probeRenderer();
  return probedRenderer;
}

let probedRenderer: RendererPreference | null = null;

function probeRenderer(): RendererPreference {
  const probe = document.createElement('canvas');
  const gl = probe.getContext('webgl2') ?? probe.getContext('webgl');
  if (gl === null) return 'canvas';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(info === null ? gl.getParameter(gl.RENDERER) : gl.getParameter(info.UNMASKED_RENDERER_WEBGL));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software|basic render/i.test(name) ? 'canvas' : 'webgl';
}

/** The colour around the playfield: the field's colour, darker. */
function darken(hex: number): number {
  const r = ((hex >> 16) & 255) * 0.45;
  const g = ((hex >> 8) & 255) * 0.45;
  const b = (hex & 255) * 0.45;
  return (Math.round(r) << 16) | (Math.round(g) << 8) | Math.round(b);
}
