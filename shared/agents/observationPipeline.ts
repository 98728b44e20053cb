/**
 * Frame → model input, as the manifest says (agents.md §9.1): per-frame ops in order, the frame
 * stack, then tensor packing. One `ObservationStack` per car holds the stack's ring buffer; the
 * ops themselves are pure functions of the frame.
 *
 * Values are computed in float64 and rounded to float32 once, when written into the model's
 * input — what NumPy does when the seed agents' preprocessing ends in `.astype(np.float32)`.
 */
import { roundHalfEven } from '../numeric/roundHalfEven.ts';
import type { AgentManifestInput, PipelineOp, TensorLayout } from './agentManifest.ts';
import { STATE_FEATURE_COUNT } from './stateFeatures.ts';

/** An image in HWC order, float64 values. */
export interface PlaneImage {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly data: Float64Array;
}

/** CarRacing's observation: 96×96 RGB. */
export const FRAME_H = 96;
export const FRAME_W = 96;
export const FRAME_C = 3;

/** The (h, w, c) a pipeline produces from a 96×96×3 frame; throws a RangeError on an impossible pipeline. */
export function pipelineOutputSize(pipeline: readonly PipelineOp[]): { h: number; w: number; c: number } {
  let h = FRAME_H;
  let w = FRAME_W;
  let c = FRAME_C;
  pipeline.forEach((op, i) => {
    switch (op.op) {
      case 'crop':
        h -= op.top + op.bottom;
        w -= op.left + op.right;
        if (h < 1 || w < 1) throw new RangeError(`pipeline.${i}: crop leaves ${h}x${w} pixels`);
        break;
      case 'grayscale':
        if (c !== 3) throw new RangeError(`pipeline.${i}: grayscale needs 3 channels, the image has ${c}`);
        c = 1;
        break;
      case 'resize':
        if (op.method === 'area' && (h % op.height !== 0 || w % op.width !== 0)) {
          throw new RangeError(
            `pipeline.${i}: area resize needs integer factors, ${h}x${w} -> ${op.height}x${op.width}`,
          );
        }
        h = op.height;
        w = op.width;
        break;
      case 'flipVertical':
      case 'affine':
        break;
    }
  });
  return { h, w, c };
}

/** One sample's model input shape for a manifest's observation, in the tensor's layout. */
export function observationSampleShape(
  observation: Pick<AgentManifestInput['observation'], 'source' | 'pipeline' | 'frameStack'>,
  layout: TensorLayout,
): number[] {
  if (observation.source === 'state-v1') return [STATE_FEATURE_COUNT];
  const { h, w, c } = pipelineOutputSize(observation.pipeline);
  const channels = c * observation.frameStack.size;
  return layout === 'NHWC' ? [h, w, channels] : [channels, h, w];
}

/** Channels of one processed frame (before stacking). */
export function pipelineChannels(pipeline: readonly PipelineOp[]): number {
  return pipelineOutputSize(pipeline).c;
}

/** Applies the per-frame ops to a 96×96×3 uint8 frame (row 0 = top); the result is the caller's. */
export function applyPipeline(frame: Uint8Array, pipeline: readonly PipelineOp[]): PlaneImage {
  const img = new FramePipeline(pipeline).run(frame);
  return { ...img, data: img.data.slice() };
}

/**
 * The per-frame ops of one manifest with their working memory: two buffers, used in turn, hold
 * every stage, so preprocessing a frame allocates no pixel memory (at 50 Hz per car a fresh
 * 96×96×3 float64 image per op is ~200 kB of garbage per step, whose freeing costs every thread
 * of the process). {@link run}'s image lives in those buffers: it is valid until the next call.
 */
export class FramePipeline {
  private readonly buffers: [Float64Array, Float64Array];

  constructor(private readonly pipeline: readonly PipelineOp[]) {
    let largest = FRAME_H * FRAME_W * FRAME_C;
    pipeline.forEach((_, i) => {
      const { h, w, c } = pipelineOutputSize(pipeline.slice(0, i + 1));
      largest = Math.max(largest, h * w * c);
    });
    this.buffers = [new Float64Array(largest), new Float64Array(largest)];
  }

  run(frame: Uint8Array): PlaneImage {
    if (frame.length !== FRAME_H * FRAME_W * FRAME_C) {
      throw new RangeError(`a frame has ${FRAME_H * FRAME_W * FRAME_C} bytes, got ${frame.length}`);
    }
    const data = this.buffers[0].subarray(0, frame.length);
    data.set(frame);
    let img: PlaneImage = { h: FRAME_H, w: FRAME_W, c: FRAME_C, data };
    for (let i = 0; i < this.pipeline.length; i++) {
      img = applyOp(img, this.pipeline[i], this.buffers[(i + 1) % 2]);
    }
    return img;
  }
}

/** One op from `img` into `into` (large enough, never `img`'s own buffer). */
function applyOp(img: PlaneImage, op: PipelineOp, into: Float64Array): PlaneImage {
  switch (op.op) {
    case 'crop':
      return crop(img, op.top, op.bottom, op.left, op.right, into);
    case 'flipVertical':
      return flipVertical(img, into);
    case 'grayscale':
      return grayscale(img, op.weights, op.round, into);
    case 'resize':
      return op.method === 'nearest'
        ? resizeNearest(img, op.height, op.width, into)
        : op.method === 'bilinear'
          ? resizeBilinear(img, op.height, op.width, into)
          : resizeArea(img, op.height, op.width, into);
    case 'affine': {
      const data = into.subarray(0, img.data.length);
      for (let i = 0; i < data.length; i++) data[i] = img.data[i] * op.scale + op.offset;
      return { ...img, data };
    }
  }
}

function crop(
  img: PlaneImage,
  top: number,
  bottom: number,
  left: number,
  right: number,
  into: Float64Array,
): PlaneImage {
  const h = img.h - top - bottom;
  const w = img.w - left - right;
  const { c } = img;
  const data = into.subarray(0, h * w * c);
  for (let y = 0; y < h; y++) {
    const from = ((y + top) * img.w + left) * c;
    data.set(img.data.subarray(from, from + w * c), y * w * c);
  }
  return { h, w, c, data };
}

function flipVertical(img: PlaneImage, into: Float64Array): PlaneImage {
  const row = img.w * img.c;
  const data = into.subarray(0, img.data.length);
  for (let y = 0; y < img.h; y++) data.set(img.data.subarray((img.h - 1 - y) * row, (img.h - y) * row), y * row);
  return { ...img, data };
}

/** `wr·R + wg·G + wb·B` left to right in float64; 'uint8' rounds half to even and clamps. */
function grayscale(
  img: PlaneImage,
  [wr, wg, wb]: readonly [number, number, number],
  round: 'none' | 'uint8',
  into: Float64Array,
): PlaneImage {
  const n = img.h * img.w;
  const data = into.subarray(0, n);
  const src = img.data;
  for (let i = 0; i < n; i++) {
    const g = wr * src[3 * i] + wg * src[3 * i + 1] + wb * src[3 * i + 2];
    data[i] = round === 'uint8' ? Math.min(255, Math.max(0, roundHalfEven(g))) : g;
  }
  return { h: img.h, w: img.w, c: 1, data };
}

function resizeNearest(img: PlaneImage, h: number, w: number, into: Float64Array): PlaneImage {
  const { c } = img;
  const data = into.subarray(0, h * w * c);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.h - 1, Math.floor((y * img.h) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.w - 1, Math.floor((x * img.w) / w));
      for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = img.data[(sy * img.w + sx) * c + k];
    }
  }
  return { h, w, c, data };
}

/** Half-pixel centres, edge clamped, no antialiasing (OpenCV INTER_LINEAR / torch align_corners=False). */
function resizeBilinear(img: PlaneImage, h: number, w: number, into: Float64Array): PlaneImage {
  const { c } = img;
  const data = into.subarray(0, h * w * c);
  const sy = img.h / h;
  const sx = img.w / w;
  for (let y = 0; y < h; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(img.h - 1, Math.floor(fy));
    const y1 = Math.min(img.h - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(img.w - 1, Math.floor(fx));
      const x1 = Math.min(img.w - 1, x0 + 1);
      const tx = fx - x0;
      for (let k = 0; k < c; k++) {
        const a = img.data[(y0 * img.w + x0) * c + k];
        const b = img.data[(y0 * img.w + x1) * c + k];
        const d = img.data[(y1 * img.w + x0) * c + k];
        const e = img.data[(y1 * img.w + x1) * c + k];
        data[(y * w + x) * c + k] = (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;
      }
    }
  }
  return { h, w, c, data };
}

function resizeArea(img: PlaneImage, h: number, w: number, into: Float64Array): PlaneImage {
  const { c } = img;
  const fy = img.h / h;
  const fx = img.w / w;
  const data = into.subarray(0, h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let dy = 0; dy < fy; dy++) {
          for (let dx = 0; dx < fx; dx++) sum += img.data[((y * fy + dy) * img.w + x * fx + dx) * c + k];
        }
        data[(y * w + x) * c + k] = sum / (fy * fx);
      }
    }
  }
  return { h, w, c, data };
}

/**
 * The frame stack of one car (agents.md §9.1 `frameStack`, §9.4): the last `size` processed
 * frames, oldest first, packed into the model's layout. Only frames on which the agent is
 * consulted are pushed.
 */
export class ObservationStack {
  /** Oldest first; each slot is this stack's own copy, reused as frames come and go. */
  private readonly frames: PlaneImage[] = [];
  private spare: Float64Array[] = [];

  constructor(
    private readonly size: number,
    private readonly fill: 'repeat-first' | 'zeros',
    private readonly layout: TensorLayout,
  ) {}

  reset(): void {
    for (const f of this.frames) this.spare.push(f.data);
    this.frames.length = 0;
  }

  /** Adds (a copy of) the newest processed frame. */
  push(img: PlaneImage): void {
    if (this.frames.length === 0) {
      for (let i = 0; i < this.size - 1; i++) {
        const data = this.slot(img.data.length);
        if (this.fill === 'repeat-first') data.set(img.data);
        else data.fill(0);
        this.frames.push({ h: img.h, w: img.w, c: img.c, data });
      }
    } else {
      this.spare.push(this.frames.shift()!.data);
    }
    const data = this.slot(img.data.length);
    data.set(img.data);
    this.frames.push({ h: img.h, w: img.w, c: img.c, data });
  }

  private slot(length: number): Float64Array {
    const reused = this.spare.pop();
    if (reused !== undefined && reused.length === length) return reused;
    if (reused !== undefined) this.spare = [];
    return new Float64Array(length);
  }

  /** Writes the stacked sample into `out` at `offset` (float32 rounding happens here). */
  pack(out: Float32Array, offset: number): void {
    const first = this.frames[0];
    if (first === undefined) throw new Error('ObservationStack.pack before any push');
    const { h, w, c } = first;
    const plane = h * w;
    const channels = c * this.size;
    for (let s = 0; s < this.size; s++) {
      const src = this.frames[s].data;
      if (this.layout === 'HWC_AS_NCHW') {
        out.set(src, offset + s * plane * c);
      } else if (this.layout === 'NCHW') {
        for (let k = 0; k < c; k++) {
          const base = offset + (s * c + k) * plane;
          for (let p = 0; p < plane; p++) out[base + p] = src[p * c + k];
        }
      } else {
        for (let p = 0; p < plane; p++) {
          const base = offset + p * channels + s * c;
          for (let k = 0; k < c; k++) out[base + k] = src[p * c + k];
        }
      }
    }
  }
}
