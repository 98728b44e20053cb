/**
 * `npm run sim -- evaluate --agent PATH --seeds 100-119 [--style v0|v3] [--json] [--backend onnxruntime|tfjs]`:
 * full single-car episodes (time limit 1000) of an agent, headless. PATH is a manifest (its model
 * file relative to it), a zip bundle, or a bare model file (`.onnx`, TF.js `model.json`).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from '../../shared/numeric/percentile.ts';
import { runAgentEpisode, type EpisodeResult } from '../agents/runtime/agentEpisode.ts';
import { loadAgentPolicy, type AgentFiles } from '../agents/runtime/loadAgentPolicy.ts';
import { readZipBundle } from '../agents/upload/zipBundle.ts';

export class EvaluateUsageError extends Error {
  override readonly name = 'EvaluateUsageError';
}

export const EVALUATE_USAGE = `  evaluate --agent PATH --seeds A-B|A,B,C [--style v0|v3] [--json] [--backend onnxruntime|tfjs] [--max-steps N]`;

/** `100-119` or `1,5,9` (or a mix) → seeds. */
export function parseSeedList(text: string | undefined): number[] {
  if (text === undefined) throw new EvaluateUsageError('--seeds is required, e.g. --seeds 100-119');
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) throw new EvaluateUsageError(`bad --seeds part ${JSON.stringify(part)}: use A-B or A,B,C`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 10_000) throw new EvaluateUsageError(`bad seed range ${part}`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  return seeds;
}

/** An agent's files from a manifest, a zip bundle or a bare model file on disk. */
export async function readAgentFromPath(path: string): Promise<AgentFiles> {
  const bytes = readFileSync(path);
  const name = basename(path);
  if (name.toLowerCase().endsWith('.zip')) return { agentId: name, files: await readZipBundle(bytes, name) };
  if (name.toLowerCase().endsWith('.onnx')) return { agentId: name, files: new Map([[name, bytes]]) };
  const text = bytes.toString('utf8');
  const json = JSON.parse(text) as { model?: { file?: unknown; format?: unknown }; weightsManifest?: unknown };
  const dir = dirname(path);
  if (json.weightsManifest !== undefined) return { agentId: name, files: tfjsFiles(dir, name) };
  const modelFile = json.model?.file;
  if (typeof modelFile !== 'string')
    throw new EvaluateUsageError(`${path} is neither a manifest nor a TF.js model.json`);
  const files =
    json.model?.format === 'tfjs-layers'
      ? tfjsFiles(dir, modelFile)
      : new Map([[modelFile, readFileSync(join(dir, modelFile))]]);
  return { agentId: name, files, manifestText: text };
}

/** model.json and the weight shards it names. */
function tfjsFiles(dir: string, modelFile: string): Map<string, Uint8Array> {
  const modelJson = readFileSync(join(dir, modelFile));
  const files = new Map<string, Uint8Array>([[modelFile, modelJson]]);
  const parsed = JSON.parse(modelJson.toString('utf8')) as { weightsManifest?: { paths?: string[] }[] };
  const base = dirname(modelFile);
  for (const group of parsed.weightsManifest ?? []) {
    for (const p of group.paths ?? []) {
      const rel = base === '.' ? p : `${base}/${p}`;
      files.set(rel, readFileSync(join(dir, rel)));
    }
  }
  return files;
}

export interface EvaluateSummary {
  readonly episodes: { seed: number; return: number; steps: number; tiles: number; lapFinished: boolean }[];
  readonly mean: number;
}

export async function runEvaluateCli(argv: readonly string[]): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      agent: { type: 'string' },
      seeds: { type: 'string' },
      style: { type: 'string' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'onnxruntime' },
      'max-steps': { type: 'string', default: '1000' },
    },
    strict: true,
  });
  if (values.agent === undefined) throw new EvaluateUsageError('--agent PATH is required');
  const seeds = parseSeedList(values.seeds);
  const style = values.style;
  if (style !== undefined && style !== 'v0' && style !== 'v3') throw new EvaluateUsageError('--style is v0 or v3');
  const backend = values.backend;
  if (backend !== 'onnxruntime' && backend !== 'tfjs') throw new EvaluateUsageError('--backend is onnxruntime or tfjs');
  const maxSteps = Number(values['max-steps']);
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new EvaluateUsageError('--max-steps must be a positive integer');

  const policy = await loadAgentPolicy(await readAgentFromPath(values.agent), { builtinBackend: backend });
  const results: EpisodeResult[] = [];
  try {
    for (const seed of seeds) {
      results.push(await runAgentEpisode(policy, { seed, maxSteps, ...(style === undefined ? {} : { style }) }));
    }
  } finally {
    await policy.model.dispose();
  }
  const mean = results.reduce((a, r) => a + r.return, 0) / results.length;
  if (values.json) {
    const summary: EvaluateSummary = {
      episodes: results.map((r) => ({
        seed: r.seed,
        return: r.return,
        steps: r.steps,
        tiles: r.tiles,
        lapFinished: r.lapFinished,
      })),
      mean,
    };
    return JSON.stringify(summary);
  }
  const usedStyle = style ?? policy.manifest.observation.style;
  const lines = [`${policy.name}: ${results.length} episodes, style ${usedStyle}, ${policy.model.info.backend}`];
  lines.push('seed      return  tiles      steps  lap');
  for (const r of results) {
    lines.push(
      `${String(r.seed).padEnd(6)} ${r.return.toFixed(1).padStart(9)}  ${`${r.tiles}/${r.tileCount}`.padEnd(9)} ${String(r.steps).padStart(6)}  ${r.lapFinished ? 'yes' : 'no'}`,
    );
  }
  const laps = results.filter((r) => r.lapFinished).length;
  const latencies = results.flatMap((r) => r.latenciesMs);
  lines.push(
    `mean return ${mean.toFixed(1)} over ${results.length} seeds; laps ${laps}/${results.length}; decision p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms`,
  );
  return lines.join('\n');
}
