/**
 * TensorFlow.js, initialised once per process (or worker thread) with the fastest backend that
 * loads: '@tensorflow/tfjs-node' (native TensorFlow; an optional package, found only through a
 * dynamic import), else the WebAssembly backend ('@tensorflow/tfjs-backend-wasm', XNNPACK), else
 * the plain JavaScript 'cpu' backend. The choice is logged once.
 */
import type { Logger } from '../../log.ts';

export type Tf = typeof import('@tensorflow/tfjs');
export type TfjsBackendName = 'tfjs-node' | 'tfjs-wasm' | 'tfjs-cpu';

export interface TfjsRuntime {
  readonly tf: Tf;
  readonly backend: TfjsBackendName;
}

/** Kept in a variable so that TypeScript and bundlers do not require the optional package. */
const TFJS_NODE_MODULE = '@tensorflow/tfjs-node';

let runtime: Promise<TfjsRuntime> | undefined;

/**
 * The process-wide TF.js runtime; the first call picks and initialises the backend, later calls
 * return the same one (the logger of the first call reports the choice).
 */
export function getTfjs(logger?: Logger): Promise<TfjsRuntime> {
  runtime ??= initTfjs(logger).catch((err: unknown) => {
    runtime = undefined;
    throw err;
  });
  return runtime;
}

async function initTfjs(logger?: Logger): Promise<TfjsRuntime> {
  const attempts: string[] = [];

  // 1. Native TensorFlow. The package re-exports the whole tfjs API with its backend registered.
  try {
    const mod = (await import(TFJS_NODE_MODULE)) as Tf & { default?: Tf };
    const tfNode: Tf = typeof mod.setBackend === 'function' ? mod : (mod.default ?? mod);
    if (await tfNode.setBackend('tensorflow')) {
      await tfNode.ready();
      logger?.info({ backend: 'tfjs-node', tfjsBackend: tfNode.getBackend() }, 'TF.js backend selected');
      return { tf: tfNode, backend: 'tfjs-node' };
    }
    attempts.push('tfjs-node: setBackend(tensorflow) failed');
  } catch (err) {
    attempts.push(`tfjs-node: ${errorText(err)}`);
  }

  const tf = await import('@tensorflow/tfjs');

  // 2. WebAssembly (XNNPACK). In Node it reads its .wasm binary from its own package directory.
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      logger?.info(
        {
          backend: 'tfjs-wasm',
          simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
          threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
          unavailable: attempts,
        },
        'TF.js backend selected',
      );
      return { tf, backend: 'tfjs-wasm' };
    }
    attempts.push('wasm: setBackend(wasm) failed');
  } catch (err) {
    attempts.push(`wasm: ${errorText(err)}`);
  }

  // 3. Plain JavaScript.
  if (!(await tf.setBackend('cpu'))) throw new Error(`no TF.js backend could be initialised: ${attempts.join('; ')}`);
  await tf.ready();
  silenceNodeBanner(tf);
  logger?.warn({ backend: 'tfjs-cpu', unavailable: attempts }, 'TF.js backend selected (slow JavaScript fallback)');
  return { tf, backend: 'tfjs-cpu' };
}

/**
 * The cpu backend prints an "install tfjs-node" banner through backend_util.warn on its first
 * tensor write, and that helper stays quiet while the PROD flag is set. Do that first write here
 * under PROD, then restore the flag, so that no other TF.js warning is lost.
 */
function silenceNodeBanner(tf: Tf): void {
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    env.set('PROD', prod);
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
