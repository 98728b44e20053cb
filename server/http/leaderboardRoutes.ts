/**
 * The rating boards and an agent's rating history.
 *
 *   GET /api/leaderboard?board=agents|humans|all&page=N&pageSize=M
 *       → { board, page, pageSize, total, rows: [{ rank, kind, id, name, mu, sigma, ordinal, races }] }
 *       ordered by ordinal (mu − 3σ) desc, then races desc, then name; pageSize 20 by default,
 *       at most 100. `agents`: agent versions whose status is 'ready'; `humans`: accounts;
 *       `all`: both and the built-in bots (deleted agents left out here too).
 *   GET /api/agents/:id/ratings
 *       → { agentId, rating: { mu, sigma, ordinal, races } | null, history: [{ raceId, finishedAt, mu, sigma, ordinal, createdAt }] }
 *       (history oldest first; 404 AGENT_NOT_FOUND for an unknown agent)
 *   GET /api/players/:id/ratings
 *       → { playerId, name, createdAt, rating: { mu, sigma, ordinal, races } | null, history: [...] }
 *       the same for a human's account (history oldest first; 404 NOT_FOUND for an unknown account)
 *
 * The bodies' types are in shared/protocol/httpApi.ts. Errors are thrown as ArenaError and
 * answered by the app's error edge.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import type {
  AgentRatings,
  Board,
  LeaderboardPage,
  LeaderboardRow,
  PlayerRatings,
  RatingHistory,
  SubjectKind,
} from '../../shared/protocol/httpApi.ts';
import { Prisma, type PrismaClient } from '../db/generated/client.ts';
import { ArenaError, InvalidPayloadError } from '../errors.ts';

export type { LeaderboardPage } from '../../shared/protocol/httpApi.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const leaderboardQuerySchema = z.object({
  board: z.enum(['agents', 'humans', 'all']).default('all'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

/** Parses page/pageSize style query parameters, or throws InvalidPayloadError. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new InvalidPayloadError(z.prettifyError(parsed.error));
  return parsed.data;
}

function boardFilter(board: Board): Prisma.Sql {
  switch (board) {
    case 'agents':
      return Prisma.sql`r."subjectKind" = 'agent'`;
    case 'humans':
      return Prisma.sql`r."subjectKind" = 'human'`;
    case 'all':
      return Prisma.sql`TRUE`;
  }
}

/** One page of a board. */
export async function queryLeaderboard(
  prisma: PrismaClient,
  query: { board: Board; page: number; pageSize: number },
): Promise<LeaderboardPage> {
  const { board, page, pageSize } = query;
  const from = Prisma.sql`
    FROM "Rating" r
    LEFT JOIN "Agent" a ON r."subjectKind" = 'agent' AND a."id" = r."subjectId"
    LEFT JOIN "User" u ON r."subjectKind" = 'human' AND u."id" = r."subjectId"
    WHERE (r."subjectKind" <> 'agent' OR a."status" = 'ready') AND ${boardFilter(board)}`;
  const [rows, count] = await Promise.all([
    prisma.$queryRaw<Omit<LeaderboardRow, 'rank'>[]>`
      SELECT r."subjectKind" AS "kind", r."subjectId" AS "id", COALESCE(a."name", u."name", r."name") AS "name",
             r."mu", r."sigma", r."ordinal", r."races"
      ${from}
      ORDER BY r."ordinal" DESC, r."races" DESC, 3 ASC, r."subjectKind" ASC, r."subjectId" ASC
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS "n" ${from}`,
  ]);
  return {
    board,
    page,
    pageSize,
    total: Number(count[0].n),
    rows: rows.map((r, i) => ({
      rank: (page - 1) * pageSize + i + 1,
      kind: r.kind,
      id: r.id,
      name: r.name,
      mu: r.mu,
      sigma: r.sigma,
      ordinal: r.ordinal,
      races: Number(r.races),
    })),
  };
}

export class AgentHistoryNotFoundError extends ArenaError {
  constructor(agentId: string) {
    super(ErrorCode.AGENT_NOT_FOUND, `no agent ${JSON.stringify(agentId.slice(0, 128))}`, 404);
  }
}

/** Throws 404 AGENT_NOT_FOUND unless the agent (version) exists (deleted ones included). */
export async function requireAgent(prisma: PrismaClient, agentId: string): Promise<void> {
  if (agentId.length > 200) throw new AgentHistoryNotFoundError(agentId);
  const agent = await prisma.agent.findUnique({ where: { id: agentId }, select: { id: true } });
  if (agent === null) throw new AgentHistoryNotFoundError(agentId);
}

export class PlayerNotFoundError extends ArenaError {
  constructor(playerId: string) {
    super(ErrorCode.NOT_FOUND, `no player ${JSON.stringify(playerId.slice(0, 128))}`, 404);
  }
}

/** The account of a human player, or 404 NOT_FOUND. */
export async function requirePlayer(
  prisma: PrismaClient,
  playerId: string,
): Promise<{ id: string; name: string; createdAt: Date }> {
  if (playerId.length > 200) throw new PlayerNotFoundError(playerId);
  const user = await prisma.user.findUnique({
    where: { id: playerId },
    select: { id: true, name: true, createdAt: true },
  });
  if (user === null) throw new PlayerNotFoundError(playerId);
  return user;
}

/** A subject's current rating and its history, race by race, oldest first. */
async function ratingWithHistory(
  prisma: PrismaClient,
  subjectKind: SubjectKind,
  subjectId: string,
): Promise<RatingHistory> {
  const [rating, history] = await Promise.all([
    prisma.rating.findUnique({ where: { subjectKind_subjectId: { subjectKind, subjectId } } }),
    prisma.ratingHistory.findMany({
      where: { subjectKind, subjectId },
      orderBy: { id: 'asc' },
      select: {
        raceId: true,
        mu: true,
        sigma: true,
        ordinal: true,
        createdAt: true,
        race: { select: { finishedAt: true } },
      },
    }),
  ]);
  return {
    rating:
      rating === null ? null : { mu: rating.mu, sigma: rating.sigma, ordinal: rating.ordinal, races: rating.races },
    history: history.map((h) => ({
      raceId: h.raceId,
      finishedAt: h.race.finishedAt.toISOString(),
      mu: h.mu,
      sigma: h.sigma,
      ordinal: h.ordinal,
      createdAt: h.createdAt.toISOString(),
    })),
  };
}

export interface LeaderboardRoutesOptions {
  readonly prisma: PrismaClient;
}

export function createLeaderboardRouter({ prisma }: LeaderboardRoutesOptions): Router {
  const router = Router();

  router.get('/api/leaderboard', async (req, res) => {
    res.json(await queryLeaderboard(prisma, parseQuery(leaderboardQuerySchema, req.query)));
  });

  router.get('/api/agents/:id/ratings', async (req, res) => {
    const agentId = req.params.id;
    await requireAgent(prisma, agentId);
    const body: AgentRatings = { agentId, ...(await ratingWithHistory(prisma, 'agent', agentId)) };
    res.json(body);
  });

  router.get('/api/players/:id/ratings', async (req, res) => {
    const player = await requirePlayer(prisma, req.params.id);
    const body: PlayerRatings = {
      playerId: player.id,
      name: player.name,
      createdAt: player.createdAt.toISOString(),
      ...(await ratingWithHistory(prisma, 'human', player.id)),
    };
    res.json(body);
  });

  return router;
}
