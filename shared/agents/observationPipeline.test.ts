import { describe, expect, it } from 'vitest';
import { parseAgentManifest, type PipelineOp } from './agentManifest.ts';
import {
  applyPipeline,
  FramePipeline,
  ObservationStack,
  observationSampleShape,
  pipelineOutputSize,
} from './observationPipeline.ts';

/** A frame whose pixel (y, x) has R = y, G = x, B = 200. */
function gradientFrame(): Uint8Array {
  const f = new Uint8Array(96 * 96 * 3);
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 96; x++) {
      f[(y * 96 + x) * 3] = y;
      f[(y * 96 + x) * 3 + 1] = x;
      f[(y * 96 + x) * 3 + 2] = 200;
    }
  }
  return f;
}

describe('pipeline ops', () => {
  const frame = gradientFrame();

  it('crop removes rows and columns from each side', () => {
    const img = applyPipeline(frame, [{ op: 'crop', top: 2, bottom: 12, left: 6, right: 4 }]);
    expect([img.h, img.w, img.c]).toEqual([82, 86, 3]);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([2, 6, 200]);
    const last = (81 * 86 + 85) * 3;
    expect(Array.from(img.data.subarray(last, last + 3))).toEqual([83, 91, 200]);
  });

  it('flipVertical reverses the rows only', () => {
    const img = applyPipeline(frame, [{ op: 'flipVertical' }]);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([95, 0, 200]);
    expect(img.data[(95 * 96 + 7) * 3 + 1]).toBe(7);
  });

  it('grayscale weighs R, G, B in float64; uint8 rounding is half to even and clamped', () => {
    const g = applyPipeline(frame, [{ op: 'grayscale', weights: [0.299, 0.587, 0.144], round: 'none' }]);
    expect(g.c).toBe(1);
    expect(g.data[10 * 96 + 20]).toBe(0.299 * 10 + 0.587 * 20 + 0.144 * 200);
    const half = applyPipeline(frame, [{ op: 'grayscale', weights: [0.5, 0, 0], round: 'uint8' }]);
    expect(half.data[1 * 96]).toBe(0); // 0.5 → 0
    expect(half.data[3 * 96]).toBe(2); // 1.5 → 2
    expect(half.data[5 * 96]).toBe(2); // 2.5 → 2
    const over = applyPipeline(frame, [{ op: 'grayscale', weights: [0, 0, 2], round: 'uint8' }]);
    expect(over.data[0]).toBe(255);
  });

  it('resize: nearest, bilinear (half-pixel centres) and area (box average)', () => {
    const gray = { op: 'grayscale' as const, weights: [0, 1, 0] as [number, number, number], round: 'none' as const };
    const area = applyPipeline(frame, [gray, { op: 'resize', width: 48, height: 48, method: 'area' }]);
    expect(area.data[0]).toBe(0.5); // mean of columns 0 and 1
    expect(area.data[47]).toBe(94.5);
    const bilinear = applyPipeline(frame, [gray, { op: 'resize', width: 48, height: 48, method: 'bilinear' }]);
    expect(bilinear.data[1]).toBe(2.5); // centre of output column 1 is input x = 2.5
    const nearest = applyPipeline(frame, [gray, { op: 'resize', width: 32, height: 32, method: 'nearest' }]);
    expect(nearest.data[1]).toBe(3);
  });

  it('affine scales and offsets', () => {
    const img = applyPipeline(frame, [{ op: 'affine', scale: 1 / 255, offset: -0.5 }]);
    expect(img.data[2]).toBeCloseTo(200 / 255 - 0.5, 12);
  });

  it('shapes follow the ops; impossible pipelines are refused', () => {
    expect(
      pipelineOutputSize([
        { op: 'grayscale', weights: [1, 1, 1], round: 'none' },
        { op: 'crop', top: 0, bottom: 12, left: 6, right: 6 },
      ]),
    ).toEqual({ h: 84, w: 84, c: 1 });
    expect(() => pipelineOutputSize([{ op: 'crop', top: 50, bottom: 50, left: 0, right: 0 }])).toThrow(/crop leaves/);
    expect(() => pipelineOutputSize([{ op: 'resize', width: 50, height: 50, method: 'area' }])).toThrow(
      /integer factors/,
    );
    expect(() =>
      pipelineOutputSize([
        { op: 'grayscale', weights: [1, 1, 1], round: 'none' },
        { op: 'grayscale', weights: [1, 1, 1], round: 'none' },
      ]),
    ).toThrow(/needs 3 channels/);
  });
});

describe('FramePipeline (reused buffers)', () => {
  it('gives what applyPipeline gives, frame after frame, for every op (upscaling included)', () => {
    const pipeline: PipelineOp[] = [
      { op: 'crop', top: 0, bottom: 12, left: 6, right: 6 },
      { op: 'flipVertical' },
      { op: 'grayscale', weights: [0.299, 0.587, 0.114], round: 'uint8' },
      { op: 'resize', width: 128, height: 112, method: 'bilinear' },
      { op: 'resize', width: 56, height: 42, method: 'nearest' },
      { op: 'resize', width: 28, height: 21, method: 'area' },
      { op: 'affine', scale: 1 / 255, offset: -0.5 },
    ];
    const runner = new FramePipeline(pipeline);
    for (let k = 0; k < 3; k++) {
      const frame = gradientFrame().map((v, i) => (v * (k + 1) + i) % 256);
      const expected = applyPipeline(frame, pipeline);
      const got = runner.run(frame);
      expect([got.h, got.w, got.c]).toEqual([21, 28, 1]);
      expect(Array.from(got.data)).toEqual(Array.from(expected.data));
    }
  });
});

describe('frame stack and tensor layouts', () => {
  const img = (v: number) => ({ h: 2, w: 2, c: 3, data: Float64Array.from({ length: 12 }, (_, i) => v * 100 + i) });

  it('NCHW: frames oldest first, each frame channel by channel', () => {
    const stack = new ObservationStack(2, 'repeat-first', 'NCHW');
    stack.push(img(1));
    stack.push(img(2));
    const out = new Float32Array(24);
    stack.pack(out, 0);
    // channel 0 of frame 1 is elements 0, 3, 6, 9 of its HWC data
    expect(Array.from(out.subarray(0, 4))).toEqual([100, 103, 106, 109]);
    expect(Array.from(out.subarray(12, 16))).toEqual([200, 203, 206, 209]);
  });

  it('NHWC: channels of all frames interleaved per pixel', () => {
    const stack = new ObservationStack(2, 'zeros', 'NHWC');
    stack.push(img(1));
    const out = new Float32Array(24);
    stack.pack(out, 0);
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 0, 0, 100, 101, 102]);
  });

  it('repeat-first fills the stack with the reset frame; reset empties it', () => {
    const stack = new ObservationStack(3, 'repeat-first', 'HWC_AS_NCHW');
    stack.push(img(1));
    const out = new Float32Array(36);
    stack.pack(out, 0);
    expect([out[0], out[12], out[24]]).toEqual([100, 100, 100]);
    stack.push(img(2));
    stack.push(img(3));
    stack.push(img(4));
    stack.pack(out, 0);
    expect([out[0], out[12], out[24]]).toEqual([200, 300, 400]);
    stack.reset();
    expect(() => stack.pack(out, 0)).toThrow(/before any push/);
  });

  it('keeps its own copy of each frame, whatever the pusher does with its buffer afterwards', () => {
    const stack = new ObservationStack(2, 'zeros', 'HWC_AS_NCHW');
    const shared = img(1);
    stack.push(shared);
    shared.data.fill(7);
    stack.push(shared);
    const out = new Float32Array(24);
    stack.pack(out, 0);
    expect([out[0], out[11], out[12], out[23]]).toEqual([100, 111, 7, 7]);
    stack.reset();
    stack.push(img(5));
    stack.pack(out, 0);
    expect([out[0], out[12]]).toEqual([0, 500]);
  });

  it('sample shapes for each layout and for state features', () => {
    const parsed = parseAgentManifest({
      model: { format: 'onnx', file: 'a.onnx' },
      observation: { frameStack: { size: 4 } },
    });
    if (!parsed.ok) throw new Error('manifest');
    expect(observationSampleShape(parsed.manifest.observation, 'NCHW')).toEqual([12, 96, 96]);
    expect(observationSampleShape(parsed.manifest.observation, 'NHWC')).toEqual([96, 96, 12]);
    expect(
      observationSampleShape({ source: 'state-v1', pipeline: [], frameStack: { size: 1, fill: 'zeros' } }, 'NCHW'),
    ).toEqual([24]);
  });
});
