/**
 * Stored races: one race with its entries, its replay, and the races an agent version drove in.
 *
 *   GET /api/races/:id          → { id, seed, config, status, rated, unratedReason, ladder, ticks,
 *                                   startedAt, finishedAt, entries: [...] (by position) }; 404 RACE_NOT_FOUND
 *   GET /api/races/:id/replay   → { raceId, formatVersion, seed, config, actionLog, retirements };
 *                                 the action log is sent as stored, exactly (negative zeros as -0),
 *                                 so re-simulating it with shared/ reproduces the race; 404 RACE_NOT_FOUND
 *   GET /api/agents/:id/races?page=N&pageSize=M
 *       → { agentId, page, pageSize, total, races: [{ raceId, finishedAt, position, cars, status,
 *           dnfReason, bestLapTicks, totalReward, raceStatus, rated }] } newest first; 404 AGENT_NOT_FOUND
 *   GET /api/players/:id/races?page=N&pageSize=M
 *       → { playerId, page, pageSize, total, races: [...] } the same for a human's account, with
 *         `name` (the name the car raced under) on each race; 404 NOT_FOUND
 *
 * Only races stored in the database are served here; the lobby's live races are GET /api/races.
 * The history bodies' types are in shared/protocol/httpApi.ts.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AgentRaceHistoryPage, PlayerRaceHistoryPage, RaceHistoryItem } from '../../shared/protocol/httpApi.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import { RaceNotFoundError } from '../errors.ts';
import { decodeReplayPayloadJson } from '../store/replayCodec.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseQuery, requireAgent, requirePlayer } from './leaderboardRoutes.ts';

const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

const MAX_ID_LENGTH = 200;

export interface RaceHistoryRoutesOptions {
  readonly prisma: PrismaClient;
}

export function createRaceHistoryRouter({ prisma }: RaceHistoryRoutesOptions): Router {
  const router = Router();

  router.get('/api/races/:id', async (req, res) => {
    const id = req.params.id;
    if (id.length > MAX_ID_LENGTH) throw new RaceNotFoundError(id);
    const race = await prisma.race.findUnique({
      where: { id },
      include: { entries: { orderBy: { position: 'asc' } } },
    });
    if (race === null) throw new RaceNotFoundError(id);
    res.json({
      id: race.id,
      seed: Number(race.seed),
      config: race.config,
      status: race.status,
      rated: race.rated,
      unratedReason: race.unratedReason,
      ladder: race.ladder,
      ticks: race.ticks,
      startedAt: race.startedAt?.toISOString() ?? null,
      finishedAt: race.finishedAt.toISOString(),
      entries: race.entries.map((e) => ({
        carIndex: e.carIndex,
        kind: e.driverKind,
        name: e.name,
        agentId: e.agentId,
        userId: e.userId,
        position: e.position,
        status: e.status,
        dnfReason: e.dnfReason,
        lapTicks: e.lapTicks,
        bestLapTicks: e.bestLapTicks,
        totalReward: e.totalReward,
        endTick: e.endTick,
      })),
    });
  });

  router.get('/api/races/:id/replay', async (req, res) => {
    const id = req.params.id;
    if (id.length > MAX_ID_LENGTH) throw new RaceNotFoundError(id);
    const replay = await prisma.replay.findUnique({ where: { raceId: id } });
    if (replay === null) throw new RaceNotFoundError(id);
    // `{"actionLog":[…],"retirements":[…]}` as stored, spliced in verbatim (JSON.stringify would turn −0 into 0).
    const payload = decodeReplayPayloadJson(replay.actionLog);
    const head = JSON.stringify({
      raceId: replay.raceId,
      formatVersion: replay.formatVersion,
      seed: Number(replay.seed),
      config: replay.config,
    });
    res.type('application/json').send(`${head.slice(0, -1)},${payload.slice(1)}`);
  });

  router.get('/api/agents/:id/races', async (req, res) => {
    const agentId = req.params.id;
    const { page, pageSize } = parseQuery(pageQuerySchema, req.query);
    await requireAgent(prisma, agentId);
    const body: AgentRaceHistoryPage = {
      agentId,
      page,
      pageSize,
      ...(await entriesPage(prisma, { agentId }, page, pageSize)),
    };
    res.json(body);
  });

  router.get('/api/players/:id/races', async (req, res) => {
    const { page, pageSize } = parseQuery(pageQuerySchema, req.query);
    const player = await requirePlayer(prisma, req.params.id);
    const userId = player.id;
    const body: PlayerRaceHistoryPage = {
      playerId: userId,
      page,
      pageSize,
      ...(await entriesPage(prisma, { userId }, page, pageSize)),
    };
    res.json(body);
  });

  return router;
}

/** One page of the races an agent version or a human drove in, newest first. */
async function entriesPage(
  prisma: PrismaClient,
  where: { agentId: string } | { userId: string },
  page: number,
  pageSize: number,
): Promise<{ total: number; races: RaceHistoryItem[] }> {
  const [entries, total] = await Promise.all([
    prisma.raceEntry.findMany({
      where,
      orderBy: [{ race: { finishedAt: 'desc' } }, { raceId: 'asc' }, { carIndex: 'asc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: {
        race: { select: { finishedAt: true, status: true, rated: true, _count: { select: { entries: true } } } },
      },
    }),
    prisma.raceEntry.count({ where }),
  ]);
  return {
    total,
    races: entries.map((e) => ({
      raceId: e.raceId,
      finishedAt: e.race.finishedAt.toISOString(),
      name: e.name,
      position: e.position,
      cars: e.race._count.entries,
      status: e.status,
      dnfReason: e.dnfReason,
      bestLapTicks: e.bestLapTicks,
      totalReward: e.totalReward,
      raceStatus: e.race.status,
      rated: e.race.rated,
    })),
  };
}
