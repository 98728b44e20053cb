import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../test/support/referenceData.ts';
import { AgentFormatError } from '../agentFormatError.ts';
import { readNpy } from '../formats/npyReader.ts';
import { readTorchStateDict, type TorchTensor } from '../formats/torchStateDict.ts';
import { checkGenome, defineArchitecture, genomeFromStateDict, layerOutputShapes } from './architecture.ts';
import { getArchitecture, hasArchitecture, listArchitectures } from './architectureRegistry.ts';
import { JANKOWSKI_CONVNET_V1 } from './jankowskiConvnet.ts';
import { SARENAC_DQN_V1 } from './sarenacDqn.ts';
import { ARENA_STATE_MLP_V1 } from './stateMlp.ts';

const SEED = resolve(SHARED_DIR, 'seed-agents');
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(resolve(SEED, path)));

function formatError(fn: () => unknown): AgentFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentFormatError);
    return e as AgentFormatError;
  }
  throw new Error('expected an AgentFormatError');
}

describe('built-in architectures', () => {
  it('sarenac-dqn-v1 has the §2.8 layout', () => {
    const a = SARENAC_DQN_V1;
    expect(a.genomeLength).toBe(441_892);
    expect(a.inputShape).toEqual([1, 84, 84]);
    expect(a.outputSize).toBe(4);
    expect(a.outputKind).toBe('q-values');
    const table = a.parameters.map((p) => [p.name, p.shape, p.count, p.offset]);
    expect(table).toEqual([
      ['conv1.weight', [16, 1, 5, 5], 400, 0],
      ['conv1.bias', [16], 16, 400],
      ['batch_norm1.weight', [16], 16, 416],
      ['batch_norm1.bias', [16], 16, 432],
      ['batch_norm1.running_mean', [16], 16, 448],
      ['batch_norm1.running_var', [16], 16, 464],
      ['conv2.weight', [32, 16, 5, 5], 12800, 480],
      ['conv2.bias', [32], 32, 13280],
      ['batch_norm2.weight', [32], 32, 13312],
      ['batch_norm2.bias', [32], 32, 13344],
      ['batch_norm2.running_mean', [32], 32, 13376],
      ['batch_norm2.running_var', [32], 32, 13408],
      ['conv3.weight', [32, 32, 5, 5], 25600, 13440],
      ['conv3.bias', [32], 32, 39040],
      ['batch_norm3.weight', [32], 32, 39072],
      ['batch_norm3.bias', [32], 32, 39104],
      ['batch_norm3.running_mean', [32], 32, 39136],
      ['batch_norm3.running_var', [32], 32, 39168],
      ['linear1.weight', [256, 1568], 401408, 39200],
      ['linear1.bias', [256], 256, 440608],
      ['linear2.weight', [4, 256], 1024, 440864],
      ['linear2.bias', [4], 4, 441888],
    ]);
    expect(layerOutputShapes(a.inputShape, a.layers).filter((_, i) => a.layers[i].kind === 'conv')).toEqual([
      [16, 40, 40],
      [32, 18, 18],
      [32, 7, 7],
    ]);
  });

  it('jankowski-convnet-v1 has the §3.4 layout', () => {
    const a = JANKOWSKI_CONVNET_V1;
    expect(a.genomeLength).toBe(787_027);
    expect(a.inputShape).toEqual([3, 96, 96]);
    expect(a.outputSize).toBe(3);
    expect(a.outputKind).toBe('action');
    expect(a.parameters.map((p) => [p.name, p.shape, p.count, p.offset])).toEqual([
      ['conv1.weight', [12, 3, 3, 3], 324, 0],
      ['conv1.bias', [12], 12, 324],
      ['fc1.weight', [64, 12288], 786432, 336],
      ['fc1.bias', [64], 64, 786768],
      ['fc2.weight', [3, 64], 192, 786832],
      ['fc2.bias', [3], 3, 787024],
    ]);
    // conv pad 1 keeps 96; pool kernel 2 stride 3 gives 32.
    expect(layerOutputShapes(a.inputShape, a.layers).slice(0, 4)).toEqual([
      [12, 96, 96],
      [12, 96, 96],
      [12, 32, 32],
      [12288],
    ]);
  });

  it('arena-state-mlp-v1 is 24 → 32 → 32 → 3 with 1955 parameters', () => {
    const a = ARENA_STATE_MLP_V1;
    expect(a.genomeLength).toBe(1955);
    expect(a.inputShape).toEqual([24]);
    expect(a.outputSize).toBe(3);
    expect(a.parameters.map((p) => [p.name, p.shape, p.offset])).toEqual([
      ['fc1.weight', [32, 24], 0],
      ['fc1.bias', [32], 768],
      ['fc2.weight', [32, 32], 800],
      ['fc2.bias', [32], 1824],
      ['fc3.weight', [3, 32], 1856],
      ['fc3.bias', [3], 1952],
    ]);
  });

  it('refuses an inconsistent layer table', () => {
    expect(() =>
      defineArchitecture({
        id: 'broken',
        description: '',
        inputShape: [3, 8, 8],
        outputKind: 'q-values',
        layers: [{ kind: 'flatten' }, { kind: 'linear', module: 'fc', in: 100, out: 2 }],
      }),
    ).toThrow(/expects \[100\]/);
  });

  it('the registry finds each id and names the known ids for an unknown one', () => {
    expect(listArchitectures().map((a) => a.id)).toEqual([
      'sarenac-dqn-v1',
      'jankowski-convnet-v1',
      'arena-state-mlp-v1',
    ]);
    for (const a of listArchitectures()) expect(getArchitecture(a.id)).toBe(a);
    expect(hasArchitecture('sarenac-dqn-v2')).toBe(false);
    const err = formatError(() => getArchitecture('sarenac-dqn-v2', 'agent.json'));
    expect(err.file).toBe('agent.json');
    expect(err.field).toBe('model.architecture');
    expect(err.got).toBe('"sarenac-dqn-v2"');
    for (const id of ['sarenac-dqn-v1', 'jankowski-convnet-v1', 'arena-state-mlp-v1'])
      expect(err.expected).toContain(id);
  });

  it('checkGenome refuses a wrong length and a non-finite weight, naming the tensor', () => {
    expect(formatError(() => checkGenome(ARENA_STATE_MLP_V1, new Float32Array(1954), 'g.npy')).got).toBe('1954');
    const genome = new Float32Array(1955);
    genome[1900] = Number.POSITIVE_INFINITY;
    expect(formatError(() => checkGenome(ARENA_STATE_MLP_V1, genome, 'g.npy')).field).toBe('genome[1900] (fc3.weight)');
  });
});

describe('genomeFromStateDict', () => {
  const stateDict = (): Map<string, TorchTensor> => readTorchStateDict(read('sarenac-dqn/dqn.pt'), { file: 'dqn.pt' });

  it('maps the original dqn.pt bit-identically onto weights.f32.npy', () => {
    const genome = genomeFromStateDict(SARENAC_DQN_V1, stateDict(), 'dqn.pt');
    const flat = readNpy(read('sarenac-dqn/weights.f32.npy'), { expectedLength: 441_892 }).data;
    expect(genome.length).toBe(flat.length);
    expect(Buffer.from(genome.buffer).equals(Buffer.from(flat.buffer))).toBe(true);
  });

  it('names a missing key', () => {
    const sd = stateDict();
    sd.delete('batch_norm2.running_var');
    const err = formatError(() => genomeFromStateDict(SARENAC_DQN_V1, sd, 'dqn.pt'));
    expect(err.field).toBe("state_dict['batch_norm2.running_var']");
    expect(err.got).toBe('no such key');
  });

  it('names an unexpected key, allowing only the batch-norm num_batches_tracked counters', () => {
    const sd = stateDict();
    expect(sd.has('batch_norm1.num_batches_tracked')).toBe(true);
    sd.set('linear3.weight', { dtype: 'float32', shape: [1], strides: [1], offset: 0, data: new Float32Array(1) });
    expect(formatError(() => genomeFromStateDict(SARENAC_DQN_V1, sd, 'dqn.pt')).field).toBe(
      "state_dict['linear3.weight']",
    );
    const counter = stateDict();
    counter.set('conv1.num_batches_tracked', counter.get('batch_norm1.num_batches_tracked')!);
    expect(formatError(() => genomeFromStateDict(SARENAC_DQN_V1, counter, 'dqn.pt')).got).toContain(
      'conv1.num_batches_tracked',
    );
  });

  it('names a wrong shape and a non-float dtype', () => {
    const sd = stateDict();
    const w = sd.get('linear2.weight')!;
    sd.set('linear2.weight', { ...w, shape: [256, 4] });
    const err = formatError(() => genomeFromStateDict(SARENAC_DQN_V1, sd, 'dqn.pt'));
    expect(err.field).toBe("state_dict['linear2.weight'].shape");
    expect(err.expected).toBe('[4, 256]');
    expect(err.got).toBe('[256, 4]');
    const ints = stateDict();
    ints.set('conv1.bias', { ...ints.get('conv1.bias')!, dtype: 'int64' });
    expect(formatError(() => genomeFromStateDict(SARENAC_DQN_V1, ints, 'dqn.pt')).field).toBe(
      "state_dict['conv1.bias'].dtype",
    );
  });

  it('refuses a state_dict of another architecture (the a2c fixture)', () => {
    const a2c = readTorchStateDict(read('fixtures/torch-legacy-state-dict_sarenac-a2c.pt'), { file: 'a2c.pt' });
    const err = formatError(() => genomeFromStateDict(SARENAC_DQN_V1, a2c, 'a2c.pt'));
    expect(err.file).toBe('a2c.pt');
    expect(err.field).toMatch(/^state_dict\['/);
  });
});
