import { describe, expect, it } from 'vitest';
import type * as tfTypes from '@tensorflow/tfjs';
import { getArchitecture } from '../../agents/architectures/architectureRegistry.ts';
import { createBuiltinOnnxModel } from '../../agents/backends/builtinOnnxGraph.ts';
import { readSeedAgents } from '../../agents/seedAgents.ts';
import { readNpy } from '../../agents/formats/npyReader.ts';
import { writeNpyFloat32 } from '../npyWriter.ts';
import { loadTfjsForTraining } from './dqnTrainer.ts';
import { stateQArchitecture } from './dqnAgentSpec.ts';
import { buildQNetwork, getGenome, setGenome } from './qNetwork.ts';

describe('the trainable Q-network', () => {
  it('runs the seed DQN genome as the arena does (eval-mode BatchNorm, PyTorch flatten order), and gives it back', async () => {
    const tf = await loadTfjsForTraining('wasm');
    const arch = getArchitecture('sarenac-dqn-v1');
    const seed = readSeedAgents().find((s) => s.agentId === 'seed-sarenac-dqn')!;
    const genome = readNpy(seed.files.get('weights.f32.npy')!, {
      file: 'w',
      dtypes: ['<f4'],
      expectedLength: arch.genomeLength,
    }).data;
    const model = buildQNetwork(tf, arch);
    setGenome(tf, model, arch, genome);
    expect(
      Buffer.from(getGenome(model, arch).buffer).equals(
        Buffer.from(genome.buffer, genome.byteOffset, genome.byteLength),
      ),
    ).toBe(true);

    const input = Float32Array.from({ length: 84 * 84 }, (_, i) => ((i * 37) % 263) + 0.5);
    const ours = tf.tidy(() => (model.predict(tf.tensor(input, [1, 84, 84, 1])) as tfTypes.Tensor).dataSync());
    const onnx = await createBuiltinOnnxModel(arch, genome);
    const theirs = await onnx.run(input, 1);
    await onnx.dispose();
    for (let i = 0; i < 4; i++) expect(ours[i]).toBeCloseTo(theirs[i], 2);
    model.dispose();
  });

  it('round-trips a state-feature Q-network genome and its .npy', async () => {
    const tf = await loadTfjsForTraining('wasm');
    const arch = stateQArchitecture(4, 8);
    const genome = Float32Array.from({ length: arch.genomeLength }, (_, i) => Math.sin(i));
    const model = buildQNetwork(tf, arch);
    setGenome(tf, model, arch, genome);
    expect([...getGenome(model, arch)]).toEqual([...genome]);
    expect([...readNpy(writeNpyFloat32(genome), { file: 'g', dtypes: ['<f4'] }).data]).toEqual([...genome]);
    model.dispose();
  });
});
