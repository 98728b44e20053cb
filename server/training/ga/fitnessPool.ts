/**
 * Genome evaluations spread over `worker_threads` (or run in this thread with 0 workers). Jobs
 * go to whichever worker is free, but results come back in job order and each one is a pure
 * function of its job, so the number of workers and their timing never change a training run.
 */
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../../race/workerPool.ts';
import { evaluateGenome, type FitnessJob, type FitnessResult } from './genomeFitness.ts';

export interface FitnessRequest {
  readonly id: number;
  readonly job: FitnessJob;
}

export type FitnessReply =
  { readonly id: number; readonly result: FitnessResult } | { readonly id: number; readonly error: string };

export class FitnessPool {
  private readonly workers: Worker[] = [];

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const worker = startTypeScriptWorker(new URL('./fitnessWorker.ts', import.meta.url), {});
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Evaluates every job; `onDone` is called after each (for progress). Results in job order. */
  async evaluate(jobs: readonly FitnessJob[], onDone?: (done: number) => void): Promise<FitnessResult[]> {
    const results: FitnessResult[] = new Array<FitnessResult>(jobs.length);
    let done = 0;
    if (this.workers.length === 0) {
      for (let i = 0; i < jobs.length; i++) {
        results[i] = await evaluateGenome(jobs[i]);
        onDone?.(++done);
      }
      return results;
    }
    let next = 0;
    const runOn = (worker: Worker): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const send = (): void => {
          if (next >= jobs.length) {
            worker.off('message', onMessage);
            worker.off('error', reject);
            resolve();
            return;
          }
          const id = next++;
          worker.postMessage({ id, job: jobs[id] } satisfies FitnessRequest);
        };
        const onMessage = (reply: FitnessReply): void => {
          if ('error' in reply) {
            worker.off('message', onMessage);
            reject(new Error(`fitness worker failed on job ${reply.id}: ${reply.error}`));
            return;
          }
          results[reply.id] = reply.result;
          onDone?.(++done);
          send();
        };
        worker.on('message', onMessage);
        worker.on('error', reject);
        send();
      });
    await Promise.all(this.workers.map(runOn));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
