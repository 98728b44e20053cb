/**
 * `window.__arenaDebug`: what the end-to-end tests and `npm run bench:client` read. The race
 * view records every drawn frame's car positions while `recording` is on (kept to the last
 * MAX_FRAMES), and the timings that the latency and first-frame figures come from.
 */
export interface DebugFrame {
  /** performance.now() of the frame. */
  readonly t: number;
  /** Drawn [x, y] per car index (null for a car not drawn). */
  readonly cars: readonly (readonly [number, number] | null)[];
}

export interface ArenaDebug {
  /** Which Pixi renderer the race view runs on ('webgl', 'webgpu' or 'canvas'). */
  renderer: string | null;
  /** performance.now() (ms since the page was opened) when the first race frame with cars was drawn. */
  firstFrameMs: number | null;
  /** Frames drawn by the race view since it opened. */
  frameCount: number;
  recording: boolean;
  frames: DebugFrame[];
  /** Own car: ms from first sending an input to the arrival of the snapshot that shows the server applied it. */
  inputLatencyMs: number[];
  /** The page's current race or replay state, for assertions (set by the pages). */
  state: Record<string, unknown>;
}

const MAX_FRAMES = 3000;

export const arenaDebug: ArenaDebug = {
  renderer: null,
  firstFrameMs: null,
  frameCount: 0,
  recording: false,
  frames: [],
  inputLatencyMs: [],
  state: {},
};

(globalThis as unknown as { __arenaDebug: ArenaDebug }).__arenaDebug = arenaDebug;

export function recordDebugFrame(frame: DebugFrame): void {
  arenaDebug.frameCount++;
  if (!arenaDebug.recording) return;
  arenaDebug.frames.push(frame);
  if (arenaDebug.frames.length > MAX_FRAMES) arenaDebug.frames.shift();
}
