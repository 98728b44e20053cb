/**
 * Worker thread of the {@link FitnessPool}: evaluates the genomes it is sent, one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateGenome, type FitnessJob } from './genomeFitness.ts';
import type { FitnessReply, FitnessRequest } from './fitnessPool.ts';

const port = parentPort;
if (port === null) throw new Error('fitnessWorker.ts runs as a worker thread');
port.on('message', (request: FitnessRequest) => {
  evaluateGenome(request.job satisfies FitnessJob).then(
    (result) => port.postMessage({ id: request.id, result } satisfies FitnessReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies FitnessReply),
  );
});
