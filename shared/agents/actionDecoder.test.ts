import { describe, expect, it } from 'vitest';
import { argmax, decodeAction } from './actionDecoder.ts';
import { GYMNASIUM_DISCRETE_TABLE, parseAgentManifest, resolveAgentManifest } from './agentManifest.ts';

const table: [number, number, number][] = [
  [-1, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

describe('decodeAction', () => {
  it('argmax picks the row of the largest output; ties go to the lowest index; NaN never wins', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(argmax([NaN, 0.5, NaN])).toBe(1);
    expect(argmax([NaN, NaN])).toBe(-1);
    const d = decodeAction({ type: 'discrete', select: 'argmax', table }, [27.8, 29.8, 34.5, 32.5]);
    expect(d).toEqual({ steer: 0, gas: 1, brake: 0, fault: false, index: 2 });
  });

  it('argmax-scaled multiplies the chosen row by its output (the A2C style)', () => {
    const d = decodeAction({ type: 'discrete', select: 'argmax-scaled', table }, [0.7, 0.1, 0.1, 0.1]);
    expect(d.steer).toBeCloseTo(-0.7, 12);
  });

  it('continuous outputs go through their activations and the clip; the offset selects the sample', () => {
    const d = decodeAction({ type: 'continuous', activation: ['tanh', 'sigmoid', 'none'] }, [9, 9, 9, 0, 0, 3], 3);
    expect(d.steer).toBe(0);
    expect(d.gas).toBe(0.5);
    expect(d.brake).toBe(1);
    const raw = decodeAction({ type: 'continuous', activation: ['none', 'none', 'none'] }, [-4, 0.3, -2]);
    expect([raw.steer, raw.gas, raw.brake]).toEqual([-1, 0.3, 0]);
  });

  it('a non-finite component becomes 0 and is a fault', () => {
    const d = decodeAction({ type: 'continuous', activation: ['none', 'none', 'none'] }, [NaN, Infinity, 0.2]);
    expect(d).toMatchObject({ steer: 0, gas: 0, brake: 0.2, fault: true });
    expect(decodeAction({ type: 'discrete', select: 'argmax', table }, [NaN, NaN, NaN, NaN]).fault).toBe(true);
  });
});

describe('manifest defaults', () => {
  const bare = parseAgentManifest({ model: { format: 'onnx', file: 'policy.onnx' } });
  if (!bare.ok) throw new Error('bare manifest');

  it('a bare ONNX: v3 frames, no pipeline, one frame, layout and action read from the model', () => {
    expect(bare.manifest.observation).toMatchObject({
      source: 'frame',
      style: 'v3',
      pipeline: [],
      frameStack: { size: 1 },
    });
    const nchw = resolveAgentManifest(bare.manifest, { inputShape: [3, 96, 96], outputSize: 3 }, 3);
    expect(nchw.ok && nchw.manifest.observation.tensor.layout).toBe('NCHW');
    expect(nchw.ok && nchw.manifest.action).toEqual({ type: 'continuous', activation: ['none', 'none', 'none'] });
    const nhwc = resolveAgentManifest(bare.manifest, { inputShape: [96, 96, 3], outputSize: 5 }, 3);
    expect(nhwc.ok && nhwc.manifest.observation.tensor.layout).toBe('NHWC');
    expect(nhwc.ok && nhwc.manifest.action.type === 'discrete' && nhwc.manifest.action.table).toEqual(
      GYMNASIUM_DISCRETE_TABLE.map((r) => [...r]),
    );
    const odd = resolveAgentManifest(bare.manifest, { inputShape: [3, 96, 96], outputSize: 7 }, 3);
    expect(odd.ok).toBe(false);
  });

  it('rejects unknown fields, genomes without an architecture, ONNX with one, and bad values', () => {
    const issues = (v: unknown) => {
      const r = parseAgentManifest(v);
      return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues({ model: { format: 'npy-genome', file: 'g.npy' } })).toEqual([
      expect.stringMatching(/^model.architecture: required/),
    ]);
    expect(issues({ model: { format: 'onnx', file: 'a.onnx', architecture: 'sarenac-dqn-v1' } })[0]).toMatch(
      /must be absent/,
    );
    expect(issues({ model: { format: 'onnx', file: '../etc/passwd' } })[0]).toMatch(/^model.file/);
    expect(issues({ model: { format: 'onnx', file: 'a.onnx' }, extra: 1 })[0]).toMatch(/extra|Unrecognized/);
    expect(issues({ model: { format: 'onnx', file: 'a.onnx' }, control: { actionRepeat: 0 } })[0]).toMatch(
      /^control.actionRepeat/,
    );
    expect(
      issues({
        model: { format: 'onnx', file: 'a.onnx' },
        observation: { pipeline: [{ op: 'grayscale', weights: [1, 'x', 1] }] },
      })[0],
    ).toMatch(/^observation.pipeline.0.weights.1/);
  });
});
