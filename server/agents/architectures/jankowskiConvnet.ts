/**
 * `jankowski-convnet-v1` (agents.md §3.3, §3.4): Jankowski's GA ConvNet. Input the §3.2
 * pseudo-layout [3, 96, 96] (the flipped HWC frame reinterpreted as NCHW), conv 3→12 3×3 pad 1,
 * ReLU, max-pool kernel 2 stride 3, flatten, fc1 12288→64, ReLU, fc2 64→3, then
 * `[tanh, sigmoid, sigmoid]`. Genome = `weights_biases`: 787,027 floats.
 */
import { defineArchitecture } from './architecture.ts';

export const JANKOWSKI_CONVNET_V1 = defineArchitecture({
  id: 'jankowski-convnet-v1',
  description:
    'Jankowski GA ConvNet (robertjankowski/ga-openai-gym): 3×96×96 → conv3 pad1 + ReLU → maxpool 2/3 → 12288 → 64 ReLU → 3 → tanh/sigmoid/sigmoid',
  inputShape: [3, 96, 96],
  outputKind: 'action',
  layers: [
    { kind: 'conv', module: 'conv1', in: 3, out: 12, k: 3, stride: 1, pad: 1 },
    { kind: 'relu' },
    { kind: 'maxpool', k: 2, stride: 3 },
    { kind: 'flatten' },
    { kind: 'linear', module: 'fc1', in: 12288, out: 64 },
    { kind: 'relu' },
    { kind: 'linear', module: 'fc2', in: 64, out: 3 },
    { kind: 'head', head: 'tanh-sigmoid-sigmoid' },
  ],
});
