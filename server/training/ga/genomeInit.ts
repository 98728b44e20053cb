/**
 * A fresh genome with PyTorch's default layer initialisation (agents.md §3.5): every weight and
 * bias uniform in ±1/√fan_in of its layer; batch-norm layers start at γ 1, β 0, mean 0, var 1.
 * One departure for networks with the steer/gas/brake head: the brake logit's bias starts at
 * {@link BRAKE_BIAS} (brake ≈ 0.05 instead of 0.5), so fresh policies roll instead of all
 * standing still with the same return, which gives selection nothing to rank.
 */
import type { Architecture } from '../../agents/architectures/architecture.ts';
import { parameterView } from '../../agents/architectures/architecture.ts';
import type { SeededRng } from '../seededRng.ts';

export const BRAKE_BIAS = -3;

export function initGenome(arch: Architecture, rng: SeededRng): Float32Array {
  const genome = new Float32Array(arch.genomeLength);
  for (const layer of arch.layers) {
    if (layer.kind === 'conv' || layer.kind === 'linear') {
      const fanIn = layer.kind === 'conv' ? layer.in * layer.k * layer.k : layer.in;
      const bound = 1 / Math.sqrt(fanIn);
      for (const t of ['weight', 'bias']) {
        const view = parameterView(arch, genome, `${layer.module}.${t}`);
        for (let i = 0; i < view.length; i++) view[i] = (2 * rng.next() - 1) * bound;
      }
    } else if (layer.kind === 'batchnorm') {
      parameterView(arch, genome, `${layer.module}.weight`).fill(1);
      parameterView(arch, genome, `${layer.module}.running_var`).fill(1);
    }
  }
  const last = [...arch.layers].reverse().find((l) => l.kind === 'linear');
  if (arch.layers.some((l) => l.kind === 'head') && last?.kind === 'linear') {
    parameterView(arch, genome, `${last.module}.bias`)[2] = BRAKE_BIAS;
  }
  return genome;
}
