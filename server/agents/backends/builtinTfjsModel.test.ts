import { describe, expect, it } from 'vitest';
import { SARENAC_DQN_V1 } from '../architectures/sarenacDqn.ts';
import { defineGoldenTests, dqnInput, loadDqnGenome, syntheticFrame } from './builtinGolden.testutil.ts';
import { createBuiltinTfjsModel } from './builtinTfjsModel.ts';
import { getTfjs } from './tfjsRuntime.ts';

defineGoldenTests(
  'tfjs',
  (arch, genome) => createBuiltinTfjsModel(arch, genome),
  (line) => console.log(line),
);

describe('createBuiltinTfjsModel', () => {
  it('keeps no tensors per run, frees its weights on dispose and leaves the caller input alone', async () => {
    const { tf } = await getTfjs();
    const before = tf.memory().numTensors;
    const model = await createBuiltinTfjsModel(SARENAC_DQN_V1, loadDqnGenome());
    expect(model.info.backend).toMatch(/^tfjs-/);
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before);
    const input = dqnInput(syntheticFrame());
    const copy = input.slice();
    const a = await model.run(input, 1);
    const b = await model.run(input, 1);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(input).toEqual(copy);
    expect(tf.memory().numTensors).toBe(loaded);
    await expect(model.run(new Float32Array(10), 1)).rejects.toThrow(/expected 1 x 7056/);
    await model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(model.run(input, 1)).rejects.toThrow(/disposed/);
  });
});
