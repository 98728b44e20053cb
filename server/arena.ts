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
import { createAdapter } from '@socket.io/redis-adapter';
import { attachRaceSockets, type RemoteRaces } from './transport/raceSockets.ts';
import { startSpectatorCounter } from './transport/spectatorCounter.ts';
import { SocketRaceBroadcaster, type ArenaIo } from './transport/socketRaceBroadcaster.ts';
import type { RaceBroadcaster } from './rooms/raceBroadcaster.ts';
import type { RaceListing } from '../shared/protocol/events.ts';
import { lobbyLadderRaces, type LadderRaces } from './ladder/ladderScheduler.ts';
import { closeRedis, connectRedis } from './cluster/redisConnection.ts';
import { RaceDirectory } from './cluster/raceDirectory.ts';
import { ClusterRaceBroadcaster } from './cluster/clusterRaceBroadcaster.ts';
import { QueuedLadderRaces } from './cluster/ladderQueue.ts';
import { LadderJobWorker, TrackedResultsSink } from './cluster/ladderJobWorker.ts';
import { createWorkerHttpApp } from './http/workerHttpApp.ts';

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
  /** What this process does (ROLE): 'web', 'worker' or 'all'. */
  readonly role: 'web' | 'worker' | 'all';
  /** Stops taking races, aborts running ones (results stored), closes sockets and workers. */
  close(): Promise<void>;
}

/**
 * Wires the whole server together and starts listening. Without REDIS_URL it is one process that
 * does everything. With it, processes meet through Redis: socket.io's Redis adapter carries race
 * channels and lobby/leaderboard updates between them, a RaceDirectory lists every process's races,
 * and ladder races are BullMQ jobs that 'worker' processes run; 'web' processes serve players.
 */
export async function startArena(config: ServerConfig, deps: ArenaDeps): Promise<Arena> {
  const serveWeb = config.role !== 'worker';
  const runLadderJobs = config.redisUrl !== undefined && config.role !== 'web';
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
  const trackedResults = runLadderJobs ? new TrackedResultsSink(deps.resultsSink ?? outbox!) : null;
  const resultsSink: ResultsSink = trackedResults ?? deps.resultsSink ?? outbox!;
  const redis =
    config.redisUrl === undefined
      ? null
      : {
          commands: connectRedis(config.redisUrl, 'commands', deps.log),
          pub: connectRedis(config.redisUrl, 'adapter-pub', deps.log),
          sub: connectRedis(config.redisUrl, 'adapter-sub', deps.log),
          queue: connectRedis(config.redisUrl, 'queue', deps.log),
        };
  const directory = redis === null ? null : new RaceDirectory(redis.commands);
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
    // Web processes import the seed agents; a worker finds them in the database.
    ...(deps.seedAgents === undefined && serveWeb ? {} : { seeds: serveWeb ? deps.seedAgents : [] }),
  });
  const hosts =
    deps.hosts ??
    (config.raceWorkers === 0
      ? new InProcessRaceHostFactory(clock, scheduler)
      : new WorkerPool(config.raceWorkers, { databaseUrl: database.url, builtinBackend: config.agentBackend }));
  const socketBroadcaster = new SocketRaceBroadcaster();
  // The socket server exists below; the cluster broadcaster emits through it once it does.
  let emitLobby: (races: readonly RaceListing[]) => void = () => undefined;
  const clusterBroadcaster =
    directory === null
      ? null
      : new ClusterRaceBroadcaster({
          inner: socketBroadcaster,
          directory,
          emitLobby: (races) => emitLobby(races),
          log: deps.log,
          announceExpiries: serveWeb,
        });
  const broadcaster: RaceBroadcaster = clusterBroadcaster ?? socketBroadcaster;
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
  // Uploads and deletions reach the other processes' catalogs (the lobby checks agents there).
  let tellOtherProcesses: (event: 'agent:stored' | 'agent:deleted', agentId: string) => void = () => undefined;
  const operations = createOperationsRouter({
    metrics,
    prisma: database.prisma,
    ...(redis === null ? {} : { redis: redis.commands }),
  });
  const listRaces = directory === null ? undefined : () => directory.list();
  const app = serveWeb
    ? createHttpApp({
        lobby,
        log: deps.log,
        clientDistDir: config.clientDistDir,
        accounts,
        secureCookies: config.cookieSecure,
        routers: [
          operations,
          createLeaderboardRouter({ prisma: database.prisma }),
          createRaceHistoryRouter({ prisma: database.prisma }),
        ],
        agents: {
          store: agentStore,
          maxUploadBytes: config.maxUploadBytes,
          builtinBackend: config.agentBackend,
          onAgentStored: async (id) => {
            await agents.onAgentStored(id);
            tellOtherProcesses('agent:stored', id);
          },
          onAgentDeleted: (id) => {
            agents.onAgentDeleted(id);
            tellOtherProcesses('agent:deleted', id);
          },
        },
        ...(listRaces === undefined ? {} : { listRaces }),
      })
    : createWorkerHttpApp(operations);
  const http = createServer(app);
  // Idle keep-alive connections stay open longer than clients and proxies keep theirs (Node's 5 s
  // default lets a client reuse a socket the server is closing: ECONNRESET on the next request).
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const io: ArenaIo = new Server(http, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    cors: { origin: true },
    ...(redis === null ? {} : { adapter: createAdapter(redis.pub, redis.sub) }),
  });
  socketBroadcaster.attach(io);
  emitLobby = (races) => io.emit('lobby:update', races);
  notifyBoards = (boards) => io.emit('leaderboard:update', { boards: boards as ('agents' | 'humans' | 'all')[] });
  if (redis !== null) {
    tellOtherProcesses = (event, agentId) => io.serverSideEmit(event, agentId);
    io.on('agent:stored', (agentId) => void agents.onAgentStored(agentId).catch(() => undefined));
    io.on('agent:deleted', (agentId) => agents.onAgentDeleted(agentId));
  }
  const remote: RemoteRaces | undefined =
    directory === null
      ? undefined
      : {
          list: () => directory.list(),
          state: (raceId) => directory.state(raceId),
          watched: (raceId) => io.serverSideEmit('race:watched', raceId),
        };
  if (serveWeb) attachRaceSockets(io, lobby, clock, deps.log, accounts, remote);
  const stopCountingSpectators = startSpectatorCounter(io, lobby, deps.log);

  const queued = redis === null ? null : new QueuedLadderRaces(redis.queue, redis.commands);
  metrics.bind({
    lobby,
    sockets: () => io.engine.clientsCount,
    ...(queued === null ? {} : { queueDepth: () => queued.depth() }),
  });
  const ladderRaces: LadderRaces = queued ?? lobbyLadderRaces(lobby);
  const ladder = new LadderScheduler({
    races: ladderRaces,
    candidates: ladderCandidatesFrom(database.prisma, agents.catalog),
    scheduler,
    log: deps.log,
    concurrency: serveWeb ? config.ladderConcurrency : 0,
  });
  // The ladder starts once the seed agents are in: they are its first residents.
  void agents.seedsReady.then(() => ladder.start());
  const jobWorker =
    runLadderJobs && redis !== null && trackedResults !== null
      ? new LadderJobWorker({
          connection: redis.queue,
          lobby,
          io,
          results: trackedResults,
          isStored: async (raceId) =>
            (await database.prisma.race.findUnique({ where: { id: raceId }, select: { id: true } })) !== null,
          refreshAgent: (agentId) => agents.onAgentStored(agentId),
          log: deps.log,
          concurrency: config.workerConcurrency ?? (hosts instanceof WorkerPool ? hosts.size : 1),
          lockMs: config.ladderJobLockMs,
        })
      : null;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  deps.log.info({ port, role: config.role, redis: config.redisUrl !== undefined }, 'arena listening');

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
    role: config.role,
    close: () =>
      (closing ??= (async () => {
        sweeping = false;
        scheduler.clearTimeout(sessionSweep);
        stopCountingSpectators();
        await ladder.stop();
        // No new ladder jobs; the running ones end as the lobby aborts their races (stored unrated).
        const jobsDone = jobWorker?.close();
        await lobby.shutdown();
        await jobsDone;
        await clusterBroadcaster?.close();
        await queued?.close();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        if (redis !== null) await closeRedis(redis.commands, redis.pub, redis.sub, redis.queue);
        await hosts.close();
        await agents.seedsReady;
        agents.close();
        await outbox?.close();
        if (deps.database === undefined) await database.close();
      })()),
  };
}
