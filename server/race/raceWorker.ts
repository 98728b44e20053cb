/**
 * Entry point of a race worker thread: runs any number of races, each on its own 50 Hz loop,
 * so the main thread's sockets never wait on physics. Commands and reports: workerMessages.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PrismaPg } from '@prisma/adapter-pg';
import { registerStoredAgents } from '../agents/agentRuntime.ts';
import { WORKER_AGENT_DIRECTORY } from '../agents/runtime/policyAgentDriver.ts';
import { PrismaAgentStore } from '../agents/store/prismaAgentStore.ts';
import { PrismaClient } from '../db/generated/client.ts';
import { agentDriverRegistry } from '../drivers/agentDriver.ts';
import { systemClock, systemScheduler } from './clock.ts';
import { RaceRunner } from './raceRunner.ts';
import { warmUpRaceCode } from './raceWarmUp.ts';
import type { RaceWorkerData, WorkerCommand, WorkerReport } from './workerMessages.ts';

const port = parentPort;
if (port === null) throw new Error('raceWorker.ts runs only as a worker thread');

const { databaseUrl, builtinBackend } = (workerData ?? {}) as RaceWorkerData;
if (databaseUrl !== undefined) {
  // The worker's own connection pool (a few connections: it only reads agents when a race loads them).
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  registerStoredAgents(agentDriverRegistry, WORKER_AGENT_DIRECTORY, new PrismaAgentStore(prisma), {
    ...(builtinBackend === undefined ? {} : { builtinBackend }),
  });
}

warmUpRaceCode();

const races = new Map<string, RaceRunner>();

/**
 * Reports are batched: everything the races of this worker report during one turn of the event
 * loop (the timers phase runs every due race tick) goes to the main thread as one message, posted
 * from setImmediate. One message per turn instead of one per snapshot, event list and stats
 * report: the structured-clone and wake-up cost is paid once for all the worker's races.
 */
let batch: WorkerReport[] = [];
const flush = (): void => {
  const reports = batch;
  batch = [];
  port.postMessage(reports);
};
const post = (report: WorkerReport): void => {
  if (batch.length === 0) setImmediate(flush);
  batch.push(report);
};

port.on('message', (command: WorkerCommand) => {
  if (command.type === 'create') {
    const raceId = command.spec.raceId;
    try {
      const runner = new RaceRunner(
        command.spec,
        {
          onSnapshot: (bytes, tick) => post({ type: 'snapshot', raceId, tick, bytes }),
          onEvents: (events) => post({ type: 'events', raceId, events }),
          onStats: (stats) => post({ type: 'stats', raceId, stats }),
          onFinished: (results) => {
            races.delete(raceId);
            post({ type: 'finished', raceId, results });
          },
          onError: (error) => {
            races.delete(raceId);
            post({ type: 'error', raceId, message: error.message });
          },
        },
        systemClock,
        systemScheduler,
      );
      races.set(raceId, runner);
    } catch (error) {
      post({ type: 'error', raceId, message: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  const runner = races.get(command.raceId);
  if (runner === undefined) return;
  switch (command.type) {
    case 'start':
      runner.start();
      break;
    case 'input':
      runner.setInput(command.carIndex, command.action);
      break;
    case 'retire':
      runner.retire(command.carIndex, command.reason);
      break;
    case 'abort':
      runner.abort();
      break;
    case 'watched':
      runner.setWatched(command.watched);
      break;
  }
});
