import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RaceHost, RaceHostFactory, RaceHostListener, RaceSpec } from './raceSpec.ts';
import type { RaceWorkerData, WorkerCommand, WorkerReport } from './workerMessages.ts';

interface PooledWorker {
  readonly worker: Worker;
  readonly races: Map<string, RaceHostListener>;
}

/**
 * Races in worker threads: at most `size` workers (never more than the core count), started on
 * demand; each new race goes to the worker with the fewest races.
 */
export class WorkerPool implements RaceHostFactory {
  readonly size: number;
  private readonly workers: PooledWorker[] = [];
  private closed = false;

  /**
   * `databaseUrl`: the database the workers load stored agents from (each worker opens its own
   * connection and keeps its own loaded models; agents of one race share one model and one
   * batched call).
   */
  constructor(
    size?: number,
    private readonly workerOptions: RaceWorkerData = {},
  ) {
    this.size = Math.max(1, Math.min(size ?? availableParallelism(), availableParallelism()));
    // Loading a worker (tsx, the simulation) takes about a second: do it before the first race needs it.
    while (this.workers.length < this.size) this.spawn();
  }

  create(spec: RaceSpec, listener: RaceHostListener): RaceHost {
    if (this.closed) throw new Error('the worker pool is closed');
    const pooled = this.pick();
    pooled.races.set(spec.raceId, listener);
    const send = (command: WorkerCommand): void => pooled.worker.postMessage(command);
    send({ type: 'create', spec });
    const raceId = spec.raceId;
    return {
      start: () => send({ type: 'start', raceId }),
      setInput: (carIndex, action) => send({ type: 'input', raceId, carIndex, action }),
      retire: (carIndex, reason) => send({ type: 'retire', raceId, carIndex, reason }),
      abort: () => send({ type: 'abort', raceId }),
      setWatched: (watched) => send({ type: 'watched', raceId, watched }),
    };
  }

  /** Races per worker, for tests and the bench. */
  get load(): number[] {
    return this.workers.map((w) => w.races.size);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }

  private pick(): PooledWorker {
    if (this.workers.length < this.size) return this.spawn();
    return this.workers.reduce((a, b) => (b.races.size < a.races.size ? b : a));
  }

  private spawn(): PooledWorker {
    const worker = startTypeScriptWorker(new URL('./raceWorker.ts', import.meta.url), this.workerOptions);
    const pooled: PooledWorker = { worker, races: new Map() };
    worker.on('message', (reports: readonly WorkerReport[]) => {
      for (const report of reports) this.dispatch(pooled, report);
    });
    worker.on('error', (error) => {
      for (const listener of pooled.races.values()) listener.onError(error);
      pooled.races.clear();
    });
    worker.on('exit', () => {
      const i = this.workers.indexOf(pooled);
      if (i >= 0) this.workers.splice(i, 1);
      if (!this.closed) for (const listener of pooled.races.values()) listener.onError(new Error('race worker exited'));
      pooled.races.clear();
    });
    worker.unref();
    this.workers.push(pooled);
    return pooled;
  }

  private dispatch(pooled: PooledWorker, report: WorkerReport): void {
    const listener = pooled.races.get(report.raceId);
    if (listener === undefined) return;
    switch (report.type) {
      case 'snapshot':
        listener.onSnapshot(report.bytes, report.tick);
        break;
      case 'events':
        listener.onEvents(report.events);
        break;
      case 'stats':
        listener.onStats(report.stats);
        break;
      case 'finished':
        pooled.races.delete(report.raceId);
        listener.onFinished(report.results);
        break;
      case 'error':
        pooled.races.delete(report.raceId);
        listener.onError(new Error(report.message));
        break;
    }
  }
}

/** tsx's ESM loader API (the `import` condition of its `./esm/api` export). */
const TSX_ESM_API = 'dist/esm/api/index.mjs';

/**
 * Starts a worker on a .ts module. Node 20 ignores `execArgv: ['--import', 'tsx']` for worker
 * entry points ("Unknown file extension .ts"), so a two-line bootstrap registers tsx's loader in
 * the worker first and then imports the module. Works under `tsx` and under vitest alike.
 */
export function startTypeScriptWorker(entry: URL, workerData: unknown): Worker {
  const tsxApi = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), TSX_ESM_API),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
