/**
 * `arena-state-mlp-v1`: the arena's own small policy on the 24 state features (not an image):
 * Linear 24→32, tanh, Linear 32→32, tanh, Linear 32→3, then `[tanh, sigmoid, sigmoid]`. Genome =
 * PyTorch `state_dict` order, weight [out, in] before bias: 1955 floats.
 */
import { defineArchitecture } from './architecture.ts';

export const ARENA_STATE_MLP_V1 = defineArchitecture({
  id: 'arena-state-mlp-v1',
  description: 'Arena state MLP: 24 state features → 32 tanh → 32 tanh → 3 → tanh/sigmoid/sigmoid',
  inputShape: [24],
  outputKind: 'action',
  layers: [
    { kind: 'linear', module: 'fc1', in: 24, out: 32 },
    { kind: 'tanh' },
    { kind: 'linear', module: 'fc2', in: 32, out: 32 },
    { kind: 'tanh' },
    { kind: 'linear', module: 'fc3', in: 32, out: 3 },
    { kind: 'head', head: 'tanh-sigmoid-sigmoid' },
  ],
});
