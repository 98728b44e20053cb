/**
 * The seed agents through the production path — manifest, the shared/ preprocessing pipeline,
 * the model, the action decoder — on the 66 reference frames, by every route that applies to
 * them: the flat .npy genome, the original dqn.pt through the restricted reader, the JSON genome
 * (ONNX exports are checked the same way in test/python/exportAgent.test.ts). The committed
 * copies in agents/seed/ are byte-identical to the reference ones.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../test/support/referenceData.ts';
import { GA_GENOMES, loadFrames, loadTestVectors } from '../backends/builtinGolden.testutil.ts';
import { writeJsonGenome } from '../formats/jsonGenome.ts';
import { readNpy } from '../formats/npyReader.ts';
import { readSeedAgents, SEED_AGENTS_DIR } from '../seedAgents.ts';
import { checkSeedGolden } from './seedGolden.testutil.ts';
import type { AgentPolicy } from './agentPolicy.ts';
import { loadAgentPolicy, type AgentFiles } from './loadAgentPolicy.ts';

const SEEDS = resolve(SHARED_DIR, 'seed-agents');
const vectors = loadTestVectors();
const frames = loadFrames();
const loaded: AgentPolicy[] = [];

async function load(agent: AgentFiles, backend: 'onnxruntime' | 'tfjs' = 'onnxruntime'): Promise<AgentPolicy> {
  const policy = await loadAgentPolicy(agent, { builtinBackend: backend });
  loaded.push(policy);
  return policy;
}

afterAll(async () => {
  await Promise.all(loaded.map((p) => p.model.dispose()));
});

function file(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

describe('agents/seed', () => {
  it('holds the reference seed agents byte for byte, with the hashes their manifests state', () => {
    const seeds = readSeedAgents();
    expect(seeds.map((s) => s.agentId)).toEqual([
      'seed-jankowski-ga-1495',
      'seed-jankowski-ga-1995',
      'seed-sarenac-dqn',
    ]);
    for (const seed of seeds) {
      const manifest = JSON.parse(seed.manifestText) as { model: { file: string; sha256: string } };
      const bytes = seed.files.get(manifest.model.file)!;
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.model.sha256);
    }
    const pairs = [
      ['sarenac-dqn/weights.f32.npy', 'sarenac-dqn/weights.f32.npy'],
      ['jankowski-ga-1995/genome-2019-12-26-I1995-S466.npy', 'jankowski-ga/genome-2019-12-26-I1995-S466.npy'],
      ['jankowski-ga-1495/genome-2019-12-17-I1495-S426.npy', 'jankowski-ga/genome-2019-12-17-I1495-S426.npy'],
    ];
    for (const [ours, reference] of pairs) {
      expect(readFileSync(resolve(SEED_AGENTS_DIR, ours)).equals(readFileSync(resolve(SEEDS, reference)))).toBe(true);
    }
  });
});

describe('seed DQN (sarenac-dqn-v1) reproduces the golden actions on the 66 frames', () => {
  const dqnManifest = readFileSync(resolve(SEEDS, 'sarenac-dqn/manifest.json'), 'utf8');

  it('from the flat .npy (ONNX Runtime and TF.js)', async () => {
    const agent = readSeedAgents().find((s) => s.agentId === 'seed-sarenac-dqn')!;
    await checkSeedGolden(await load(agent), 'dqn', frames, vectors);
    await checkSeedGolden(await load(agent, 'tfjs'), 'dqn', frames, vectors);
  }, 60_000);

  it('from the original dqn.pt through the restricted reader', async () => {
    const policy = await load({
      agentId: 'dqn-pt',
      manifestText: readFileSync(resolve(SEEDS, 'sarenac-dqn/manifest.torch-state-dict.json'), 'utf8'),
      files: new Map([['dqn.pt', file(resolve(SEEDS, 'sarenac-dqn/dqn.pt'))]]),
    });
    await checkSeedGolden(policy, 'dqn', frames, vectors);
  });

  it('from a JSON genome', async () => {
    const genome = readNpy(file(resolve(SEEDS, 'sarenac-dqn/weights.f32.npy'))).data;
    const manifest = JSON.parse(dqnManifest) as { model: Record<string, unknown> };
    manifest.model = { format: 'json-genome', file: 'dqn.json', architecture: 'sarenac-dqn-v1' };
    const policy = await load({
      agentId: 'dqn-json',
      manifestText: JSON.stringify(manifest),
      files: new Map([['dqn.json', Buffer.from(writeJsonGenome('sarenac-dqn-v1', genome))]]),
    });
    await checkSeedGolden(policy, 'dqn', frames, vectors);
  });
});

describe('seed GA conv nets (jankowski-convnet-v1) reproduce the golden actions on the 66 frames', () => {
  for (const name of GA_GENOMES) {
    const folder = name.includes('I1995') ? 'jankowski-ga-1995' : 'jankowski-ga-1495';
    it(`${name} from its .npy (ONNX Runtime and TF.js)`, async () => {
      const agent = readSeedAgents().find((s) => s.agentId === `seed-${folder}`)!;
      await checkSeedGolden(await load(agent), `ga:${name}`, frames, vectors);
      await checkSeedGolden(await load(agent, 'tfjs'), `ga:${name}`, frames, vectors);
    }, 60_000);

    it(`${name} from a JSON genome`, async () => {
      const agent = readSeedAgents().find((s) => s.agentId === `seed-${folder}`)!;
      const manifest = JSON.parse(agent.manifestText) as { model: Record<string, unknown> };
      const genome = readNpy(agent.files.get(manifest.model.file as string)!).data;
      manifest.model = { format: 'json-genome', file: 'ga.json', architecture: 'jankowski-convnet-v1' };
      const policy = await load({
        agentId: 'ga-json',
        manifestText: JSON.stringify(manifest),
        files: new Map([['ga.json', Buffer.from(writeJsonGenome('jankowski-convnet-v1', genome))]]),
      });
      await checkSeedGolden(policy, `ga:${name}`, frames, vectors);
    });
  }
});
