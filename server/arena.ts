import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ServerConfig } from './config.ts';
import { agentDriverRegistry, type AgentDriverRegistry } from './drivers/agentDriver.ts';
import { createHttpApp } from './http/httpApp.ts';
import { Lobby } from './lobby/lobby.ts';
import type { Logger } from './log.ts';
import { startAgentRuntime, type AgentRuntime } from './agents/agentRuntime.ts';
import type { SeedAgent } from './agents/seedAgents.ts';
import type { AgentStore } from './agents/store/agentStore.ts';
import { PrismaAgentStore } from './agents/store/prismaAgentStore.ts';
import { AccountService } from './accounts/accountService.ts';
import { openDatabase, type Database } from './db/database.ts';
import { LadderScheduler } from './ladder/ladderScheduler.ts';
import { ladderCandidatesFrom } from './ladder/ladderCandidates.ts';
import { systemClock, systemScheduler, type Clock, type Scheduler } from './race/clock.ts';
import { InProcessRaceHostFactory } from './race/inProcessRaceHostFactory.ts';
import type { RaceHostFactory } from './race/raceSpec.ts';
import { WorkerPool } from './race/workerPool.ts';
import type { ResultsSink } from './rooms/resultsSink.ts';
import { PrismaResultsSink } from './store/prismaResultsSink.ts';
import { ResultsOutbox } from './store/resultsOutbox.ts';
import { createLeaderboardRouter } from './http/leaderboardRoutes.ts';
import { createRaceHistoryRouter } from './http/raceHistoryRoutes.ts';
import { createOperationsRouter } from './http/operationsRoutes.ts';
import { ArenaMetrics } from './metrics/arenaMetrics.ts';
import { join } from 'node:path';
import { attachRaceSockets } from './transport/raceSockets.ts';
import { SocketRaceBroadcaster, type ArenaIo } from './transport/socketRaceBroadcaster.ts';

/** How often expired login sessions are deleted. */
const SESSION_SWEEP_MS = 60 * 60 * 1000;

/** Largest socket.io message accepted; a client sending more is disconnected. */
export const MAX_SOCKET_MESSAGE_BYTES = 16 * 1024;

export interface ArenaDeps {
  readonly log: Logger;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly resultsSink?: ResultsSink;
  readonly hosts?: RaceHostFactory;
  readonly agents?: AgentDriverRegistry;
  /**
   * The database. [default: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR; opened and
   * migrated here, closed with the arena] A database passed in is not closed by the arena.
   */
  readonly database?: Database;
  /** Where uploaded agents are kept. [default: the database] */
  readonly agentStore?: AgentStore;
  /** Seed agents imported into the store when missing. [default: agents/seed] */
  readonly seedAgents?: readonly SeedAgent[];
  /** Race defaults tests shorten. [default: 3000 ms countdown, 1000 ticks per lap] */
  readonly raceDefaults?: { readonly countdownMs?: number; readonly timeLimitTicksPerLap?: number };
}

export interface Arena {
  readonly http: HttpServer;
  readonly io: ArenaIo;
  readonly lobby: Lobby;
  readonly hosts: RaceHostFactory;
  readonly resultsSink: ResultsSink;
  readonly agentStore: AgentStore;
  readonly database: Database;
  readonly accounts: AccountService;
  readonly ladder: LadderScheduler;
  /** The stored agents the lobby can race, and the seed import (`agents.seedsReady`). */
  readonly agents: AgentRuntime;
  /** The Prometheus metrics served at /metrics. */
  readonly metrics: ArenaMetrics;
  /** The port it listens on (the real one when configured with 0). */
  readonly port: number;
  /** Stops taking races, aborts running ones (results stored), closes sockets and workers. */
  close(): Promise<void>;
}

/** Wires the whole server together and starts listening. */
export async function startArena(config: ServerConfig, deps: ArenaDeps): Promise<Arena> {
  const clock = deps.clock ?? systemClock;
  const scheduler = deps.scheduler ?? systemScheduler;
  const database =
    deps.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: deps.log }));
  // Results go to the database in one transaction per race; while it is unreachable they wait on disk.
  // The sink learns about the socket server (for leaderboard:update) once that exists.
  let notifyBoards: (boards: readonly string[]) => void = () => undefined;
  const metrics = new ArenaMetrics();
  const outbox =
    deps.resultsSink === undefined
      ? new ResultsOutbox({
          dir: join(config.dataDir, 'outbox'),
          store: new PrismaResultsSink({
            prisma: database.prisma,
            log: deps.log,
            onRatingsChanged: (boards) => notifyBoards([...boards]),
          }),
          log: deps.log,
          onWriteFailure: () => metrics.resultsWriteFailed(),
        })
      : null;
  await outbox?.start();
  const resultsSink: ResultsSink = deps.resultsSink ?? outbox!;
  const agentStore = deps.agentStore ?? new PrismaAgentStore(database.prisma);
  const accounts = new AccountService(database.prisma);
  // Expired sessions go when they are next used; this sweeps the ones nobody comes back with.
  let sweeping = true;
  const sweepSessions = (): void => {
    accounts
      .deleteExpiredSessions()
      .catch((err: unknown) => deps.log.warn({ err }, 'could not delete expired sessions'))
      .finally(() => {
        if (sweeping) sessionSweep = scheduler.setTimeout(sweepSessions, SESSION_SWEEP_MS);
      });
  };
  let sessionSweep = scheduler.setTimeout(sweepSessions, SESSION_SWEEP_MS);
  const registry = deps.agents ?? agentDriverRegistry;
  const agents = await startAgentRuntime({
    store: agentStore,
    registry,
    log: deps.log,
    builtinBackend: config.agentBackend,
    ...(deps.seedAgents === undefined ? {} : { seeds: deps.seedAgents }),
  });
  const hosts =
    deps.hosts ??
    (config.raceWorkers === 0
      ? new InProcessRaceHostFactory(clock, scheduler)
      : new WorkerPool(config.raceWorkers, { databaseUrl: database.url, builtinBackend: config.agentBackend }));
  const broadcaster = new SocketRaceBroadcaster();
  const lobby = new Lobby({
    clock,
    scheduler,
    hosts: metrics.instrumentHosts(hosts),
    broadcaster,
    resultsSink,
    agents: registry,
    log: deps.log,
    lobbyWaitMs: config.lobbyWaitMs,
    disconnectGraceMs: config.disconnectGraceMs,
    resultsLingerMs: config.resultsLingerMs,
    ...deps.raceDefaults,
  });
  const app = createHttpApp({
    lobby,
    log: deps.log,
    clientDistDir: config.clientDistDir,
    accounts,
    secureCookies: config.cookieSecure,
    routers: [
      createOperationsRouter({ metrics, prisma: database.prisma }),
      createLeaderboardRouter({ prisma: database.prisma }),
      createRaceHistoryRouter({ prisma: database.prisma }),
    ],
    agents: {
      store: agentStore,
      maxUploadBytes: config.maxUploadBytes,
      builtinBackend: config.agentBackend,
      onAgentStored: (id) => agents.onAgentStored(id),
      onAgentDeleted: (id) => agents.onAgentDeleted(id),
    },
  });
  const http = createServer(app);
  // Idle keep-alive connections stay open longer than clients and proxies keep theirs (Node's 5 s
  // default lets a client reuse a socket the server is closing: ECONNRESET on the next request).
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const io: ArenaIo = new Server(http, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    cors: { origin: true },
  });
  broadcaster.attach(io);
  metrics.bind({ lobby, sockets: () => io.engine.clientsCount });
  notifyBoards = (boards) => io.emit('leaderboard:update', { boards: boards as ('agents' | 'humans' | 'all')[] });
  attachRaceSockets(io, lobby, clock, deps.log, accounts);
  const ladder = new LadderScheduler({
    lobby,
    candidates: ladderCandidatesFrom(database.prisma, agents.catalog),
    scheduler,
    log: deps.log,
    concurrency: config.ladderConcurrency,
  });
  // The ladder starts once the seed agents are in: they are its first residents.
  void agents.seedsReady.then(() => ladder.start());

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  deps.log.info({ port }, 'arena listening');

  let closing: Promise<void> | null = null;
  return {
    http,
    io,
    lobby,
    hosts,
    resultsSink,
    agentStore,
    database,
    accounts,
    ladder,
    agents,
    metrics,
    port,
    close: () =>
      (closing ??= (async () => {
        sweeping = false;
        scheduler.clearTimeout(sessionSweep);
        await ladder.stop();
        await lobby.shutdown();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await hosts.close();
        await agents.seedsReady;
        agents.close();
        await outbox?.close();
        if (deps.database === undefined) await database.close();
      })()),
  };
}
