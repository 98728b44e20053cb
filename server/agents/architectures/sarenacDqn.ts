/**
 * `sarenac-dqn-v1` (agents.md §2.3, §2.8): Šarenac's CarRacing DQN. Input one grayscale 84×84
 * frame (§2.2, NCHW), three conv(5×5, stride 2) + eval-mode BatchNorm + ReLU blocks, flatten in
 * PyTorch order, linear1 with no activation, linear2 → 4 Q-values. Genome = the `state_dict` in
 * file order without the `num_batches_tracked` counters: 441,892 floats.
 */
import { defineArchitecture } from './architecture.ts';

const BN_EPS = 1e-5;

export const SARENAC_DQN_V1 = defineArchitecture({
  id: 'sarenac-dqn-v1',
  description:
    'Šarenac DQN (novicasarenac/car-racing-rl): 1×84×84 grayscale → 3× conv5 s2 + BatchNorm + ReLU → 1568 → 256 → 4 Q-values',
  inputShape: [1, 84, 84],
  outputKind: 'q-values',
  layers: [
    { kind: 'conv', module: 'conv1', in: 1, out: 16, k: 5, stride: 2, pad: 0 },
    { kind: 'batchnorm', module: 'batch_norm1', channels: 16, eps: BN_EPS },
    { kind: 'relu' },
    { kind: 'conv', module: 'conv2', in: 16, out: 32, k: 5, stride: 2, pad: 0 },
    { kind: 'batchnorm', module: 'batch_norm2', channels: 32, eps: BN_EPS },
    { kind: 'relu' },
    { kind: 'conv', module: 'conv3', in: 32, out: 32, k: 5, stride: 2, pad: 0 },
    { kind: 'batchnorm', module: 'batch_norm3', channels: 32, eps: BN_EPS },
    { kind: 'relu' },
    { kind: 'flatten' },
    // No activation between linear1 and linear2: the original forward feeds one into the other.
    { kind: 'linear', module: 'linear1', in: 1568, out: 256 },
    { kind: 'linear', module: 'linear2', in: 256, out: 4 },
  ],
});
