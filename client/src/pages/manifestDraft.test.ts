import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgentManifest } from '../../../shared/agents/agentManifest.ts';
import {
  defaultDraft,
  draftFromManifest,
  formatOfFile,
  guessModelFile,
  manifestFromDraft,
  plainSchemaMessage,
} from './manifestDraft.ts';

const seedManifest = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../agents/seed/${name}/manifest.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('formatOfFile and guessModelFile', () => {
  it('reads the format from the file name', () => {
    expect(formatOfFile('policy.onnx')).toBe('onnx');
    expect(formatOfFile('bundle/model.json')).toBe('tfjs-layers');
    expect(formatOfFile('genome.npy')).toBe('npy-genome');
    expect(formatOfFile('dqn.PTH')).toBe('torch-state-dict');
    expect(formatOfFile('genome.json')).toBe('json-genome');
    expect(formatOfFile('manifest.json')).toBeUndefined();
    expect(formatOfFile('group1-shard1of1.bin')).toBeUndefined();
  });

  it('prefers ONNX, then TF.js, then genomes', () => {
    expect(guessModelFile(['manifest.json', 'w.npy', 'a.onnx'])).toEqual({ file: 'a.onnx', format: 'onnx' });
    expect(guessModelFile(['model.json', 'group1-shard1of1.bin'])).toEqual({
      file: 'model.json',
      format: 'tfjs-layers',
    });
    expect(guessModelFile(['readme.txt'])).toBeUndefined();
  });
});

describe('defaultDraft', () => {
  it('fills the schema defaults and the guessed model file', () => {
    const draft = defaultDraft(['policy.onnx']);
    expect(draft).toMatchObject({ format: 'onnx', file: 'policy.onnx', name: 'policy', style: 'v3', actionRepeat: 1 });
    const { manifest, issues } = manifestFromDraft(draft, ['policy.onnx']);
    expect(issues).toEqual([]);
    expect(manifest).toMatchObject({ model: { format: 'onnx', file: 'policy.onnx' }, control: { actionRepeat: 1 } });
    expect(manifest).not.toHaveProperty('action');
  });

  it('asks for the architecture of a genome', () => {
    const { issues } = manifestFromDraft(defaultDraft(['genome.npy']), ['genome.npy']);
    expect(issues.map((i) => i.field)).toEqual(['architecture']);
  });
});

describe('draftFromManifest and manifestFromDraft', () => {
  for (const seed of ['sarenac-dqn', 'jankowski-ga-1995']) {
    it(`round-trips the ${seed} seed manifest`, () => {
      const original = seedManifest(seed);
      const files = [(original.model as { file: string }).file, 'manifest.json'];
      const draft = draftFromManifest(original, files);
      const { manifest, issues } = manifestFromDraft(draft, files);
      expect(issues).toEqual([]);
      const { sha256: _sha, ...model } = original.model as Record<string, unknown>;
      // The same manifest once the schema's defaults are applied (the form writes source and style out).
      expect(parseAgentManifest(manifest)).toEqual(parseAgentManifest({ ...original, model }));
      expect(manifest).toMatchObject({ name: original.name, source: original.source, training: original.training });
    });
  }

  it('maps mistakes to the fields that hold them, in words', () => {
    const draft = defaultDraft(['a.onnx']);
    draft.pipelineJson = '[{"op": "crop"';
    expect(manifestFromDraft(draft, ['a.onnx']).issues).toEqual([
      { field: 'pipelineJson', message: expect.stringContaining('The pipeline is not valid JSON') },
    ]);
    draft.pipelineJson = '[{"op": "blur"}]';
    draft.file = 'other.onnx';
    draft.actionRepeat = 40;
    const fields = manifestFromDraft(draft, ['a.onnx']).issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['file', 'pipelineJson', 'actionRepeat']));
    draft.architecture = 'sarenac-dqn-v1';
    draft.file = 'a.onnx';
    draft.pipelineJson = '[]';
    draft.actionRepeat = 1;
    expect(manifestFromDraft(draft, ['a.onnx']).issues).toEqual([]);
  });

  it('writes a discrete action table when asked, and accepts any file name inside an unread bundle', () => {
    const draft = defaultDraft([]);
    draft.file = 'inside/zip.onnx';
    draft.actionType = 'discrete';
    const { manifest, issues } = manifestFromDraft(draft, null);
    expect(issues).toEqual([]);
    expect(manifest.action).toMatchObject({ type: 'discrete', select: 'argmax' });
    expect((manifest.action as { table: unknown[] }).table).toHaveLength(5);
  });
});

describe('plainSchemaMessage', () => {
  it("rewords the schema's range messages", () => {
    expect(plainSchemaMessage('Too big: expected number to be <=16')).toBe('at most 16');
    expect(plainSchemaMessage('Too small: expected number to be >=1')).toBe('at least 1');
    expect(plainSchemaMessage('Too small: expected array to have >=2 items')).toBe('at least 2 items');
    expect(plainSchemaMessage('Invalid input: expected number, received NaN')).toBe('a number is needed');
    expect(plainSchemaMessage('Invalid input: expected "op" to be one of crop, flipVertical')).toBe(
      'expected "op" to be one of crop, flipVertical',
    );
  });

  it('names the form field in manifest messages', () => {
    const draft = defaultDraft(['a.onnx']);
    draft.actionRepeat = 40;
    expect(manifestFromDraft(draft, ['a.onnx']).issues).toEqual([
      { field: 'actionRepeat', message: 'Decides every (control.actionRepeat): at most 16.' },
    ]);
  });
});
