/**
 * Writes a finished race to the database, exactly once: one transaction keyed by the race id.
 *
 * The Race row goes in first with ON CONFLICT DO NOTHING; when it was there already (a retry, a
 * duplicate, a second server draining the same outbox) the transaction writes nothing else. A
 * concurrent writer of the same race waits on the first one's row and then finds it. Otherwise,
 * in the same transaction: the entries, the replay (replayCodec.ts) and, for a rated race, the
 * ratings (ratingModel.ts) and one rating-history row per rated subject.
 *
 * Ratings are read with their rows locked (upsert … RETURNING takes the row lock), in key order
 * so two races updating the same subjects cannot deadlock, and never lose each other's update.
 */
import type { RaceResults } from '../../shared/protocol/events.ts';
import { Prisma, type PrismaClient } from '../db/generated/client.ts';
import type { Logger } from '../log.ts';
import {
  boardsChangedBy,
  computeRatingUpdates,
  DEFAULT_RATING,
  ordinalOf,
  ratingPlan,
  subjectKey,
  type Board,
  type RatingSubject,
  type RatingUpdate,
  type SkillRating,
} from '../ratings/ratingModel.ts';
import type { ResultsSink } from '../rooms/resultsSink.ts';
import { encodeReplayPayload, REPLAY_FORMAT_VERSION, replayPayloadOf } from './replayCodec.ts';

export interface WriteRaceOptions {
  /** When the race ended. [default: now] (the outbox passes the time it was saved) */
  readonly finishedAt?: Date;
  readonly startedAt?: Date | null;
  /** Scheduled by the ladder. [default: results.ladder] */
  readonly ladder?: boolean;
}

export interface WriteRaceOutcome {
  /** False when the race was stored already: nothing was written. */
  readonly written: boolean;
  readonly ratingUpdates: readonly RatingUpdate[];
  /** Boards whose order may have changed (empty when no rating changed). */
  readonly boardsChanged: readonly Board[];
}

/** The race's stored status. */
function raceStatus(results: RaceResults): 'finished' | 'aborted' {
  return results.aborted ? 'aborted' : 'finished';
}

/** `{1,2,3}`: a PostgreSQL int[] literal (integers only). */
function intArrayLiteral(values: readonly number[]): string {
  for (const v of values) if (!Number.isInteger(v)) throw new RangeError(`not an integer: ${v}`);
  return `{${values.join(',')}}`;
}

const NOTHING: WriteRaceOutcome = { written: false, ratingUpdates: [], boardsChanged: [] };

/**
 * Writes `results` in one transaction (see the module comment), in two statements: the first
 * inserts the race, its entries and replay, and creates-and-locks the ratings of its rated
 * drivers, returning their current values; openskill computes the new ones here; the second
 * updates the ratings and adds the history rows. Unrated races are the first statement alone.
 */
export async function writeRaceResults(
  prisma: PrismaClient,
  results: RaceResults,
  options: WriteRaceOptions = {},
): Promise<WriteRaceOutcome> {
  const plan = ratingPlan(results);
  const replayBytes = await encodeReplayPayload(replayPayloadOf(results));
  // Subjects in key order: rows are locked in the same order by every writer.
  const bySubject = new Map<string, RatingSubject>();
  for (const c of plan.cars) bySubject.set(subjectKey(c.subject), c.subject);
  const subjects = [...bySubject.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  const cars = results.cars;
  const config = JSON.stringify(results.config);
  const { mu, sigma } = DEFAULT_RATING;

  const insert = Prisma.sql`
    WITH race AS (
      INSERT INTO "Race" ("id", "seed", "config", "status", "rated", "unratedReason", "ladder", "ticks", "startedAt", "finishedAt")
      VALUES (${results.raceId}, ${BigInt(results.seed)}::bigint, ${config}::jsonb, ${raceStatus(results)},
              ${plan.unratedReason === null}, ${plan.unratedReason}::text, ${options.ladder ?? results.ladder ?? false},
              ${results.ticks}::int, ${options.startedAt?.toISOString() ?? results.startedAt ?? null}::timestamp(3),
              ${(options.finishedAt ?? new Date()).toISOString()}::timestamp(3))
      ON CONFLICT ("id") DO NOTHING
      RETURNING "id"
    ), entries AS (
      INSERT INTO "RaceEntry" ("raceId", "carIndex", "driverKind", "name", "agentId", "userId", "position", "status",
                               "dnfReason", "lapTicks", "bestLapTicks", "totalReward", "endTick")
      SELECT race."id", v.car, v.kind, v.name, (SELECT a."id" FROM "Agent" a WHERE a."id" = v.agent), v.usr, v.pos,
             v.status, v.dnf, v.laps::int[], v.best, v.reward, v.endt
      FROM race, unnest(${cars.map((c) => c.carIndex)}::int[], ${cars.map((c) => c.kind)}::text[],
                        ${cars.map((c) => c.name)}::text[], ${cars.map((c) => c.agentId)}::text[],
                        ${cars.map((c) => c.userId)}::text[], ${cars.map((c) => c.position)}::int[],
                        ${cars.map((c) => c.status)}::text[], ${cars.map((c) => c.dnfReason)}::text[],
                        ${cars.map((c) => intArrayLiteral(c.lapTicks))}::text[], ${cars.map((c) => c.bestLapTicks)}::int[],
                        ${cars.map((c) => c.totalReward)}::float8[], ${cars.map((c) => c.endTick)}::int[])
           AS v(car, kind, name, agent, usr, pos, status, dnf, laps, best, reward, endt)
    ), replay AS (
      INSERT INTO "Replay" ("raceId", "formatVersion", "seed", "config", "actionLog")
      SELECT race."id", ${REPLAY_FORMAT_VERSION}::int, ${BigInt(results.seed)}::bigint, ${config}::jsonb, ${replayBytes}
      FROM race
    ), ratings AS (
      INSERT INTO "Rating" ("subjectKind", "subjectId", "name", "mu", "sigma", "ordinal", "races", "updatedAt")
      SELECT v.k, v.i, v.n, ${mu}::float8, ${sigma}::float8, ${ordinalOf(DEFAULT_RATING)}::float8, 0, now()
      FROM unnest(${subjects.map((x) => x.kind)}::text[], ${subjects.map((x) => x.id)}::text[],
                  ${subjects.map((x) => x.name)}::text[]) WITH ORDINALITY AS v(k, i, n, o)
      WHERE EXISTS (SELECT 1 FROM race)
      ORDER BY v.o
      ON CONFLICT ("subjectKind", "subjectId") DO UPDATE SET "name" = EXCLUDED."name"
      RETURNING "subjectKind", "subjectId", "mu", "sigma"
    )
    SELECT (SELECT count(*) FROM race)::int AS "inserted",
           COALESCE((SELECT json_agg(json_build_array(r."subjectKind", r."subjectId", r."mu", r."sigma")) FROM ratings r),
                    '[]'::json) AS "priors"`;
  type Inserted = { inserted: number; priors: [string, string, number, number][] }[];

  if (subjects.length === 0) {
    const [row] = await prisma.$queryRaw<Inserted>(insert);
    return row.inserted === 0 ? NOTHING : { written: true, ratingUpdates: [], boardsChanged: [] };
  }

  return prisma.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<Inserted>(insert);
      if (row.inserted === 0) return NOTHING;
      const priors = new Map<string, SkillRating>(row.priors.map(([k, i, m, s]) => [`${k}:${i}`, { mu: m, sigma: s }]));
      const updates = computeRatingUpdates(plan.cars, (x) => priors.get(subjectKey(x)));
      await saveRatings(tx, results.raceId, updates);
      return { written: true, ratingUpdates: updates, boardsChanged: boardsChangedBy(updates) };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted, maxWait: 10_000, timeout: 30_000 },
  );
}

type Tx = Prisma.TransactionClient;

/** The new ratings (races + 1) and their history rows, in one statement. */
async function saveRatings(tx: Tx, raceId: string, updates: readonly RatingUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const values = Prisma.sql`unnest(${updates.map((u) => u.subject.kind)}::text[], ${updates.map((u) => u.subject.id)}::text[],
                ${updates.map((u) => u.after.mu)}::float8[], ${updates.map((u) => u.after.sigma)}::float8[],
                ${updates.map((u) => u.after.ordinal)}::float8[]) AS v(k, i, mu, sigma, ord)`;
  await tx.$executeRaw`
    WITH updated AS (
      UPDATE "Rating" AS r
      SET "mu" = v.mu, "sigma" = v.sigma, "ordinal" = v.ord, "races" = r."races" + 1, "updatedAt" = now()
      FROM ${values}
      WHERE r."subjectKind" = v.k AND r."subjectId" = v.i
    )
    INSERT INTO "RatingHistory" ("subjectKind", "subjectId", "raceId", "mu", "sigma", "ordinal")
    SELECT v.k, v.i, ${raceId}, v.mu, v.sigma, v.ord FROM ${values}`;
}

export interface PrismaResultsSinkOptions {
  readonly prisma: PrismaClient;
  readonly log?: Logger;
  /** Called after a write changed ratings, with the boards it changed (e.g. emit `leaderboard:update`). */
  readonly onRatingsChanged?: (boardsChanged: readonly Board[]) => void;
}

/**
 * A ResultsSink straight to the database: `save` resolves once the race is stored (or was
 * already), and rejects when the database could not be written (ResultsOutbox keeps it then).
 */
export class PrismaResultsSink implements ResultsSink {
  private readonly prisma: PrismaClient;
  private readonly log: Logger | undefined;
  private readonly onRatingsChanged: ((boards: readonly Board[]) => void) | undefined;

  constructor(options: PrismaResultsSinkOptions) {
    this.prisma = options.prisma;
    this.log = options.log;
    this.onRatingsChanged = options.onRatingsChanged;
  }

  async save(results: RaceResults): Promise<void> {
    await this.write(results);
  }

  async write(results: RaceResults, options: WriteRaceOptions = {}): Promise<WriteRaceOutcome> {
    const outcome = await writeRaceResults(this.prisma, results, options);
    if (!outcome.written) this.log?.info({ raceId: results.raceId }, 'race results stored already; nothing written');
    else this.log?.debug({ raceId: results.raceId, ratings: outcome.ratingUpdates.length }, 'race results stored');
    if (outcome.boardsChanged.length > 0 && this.onRatingsChanged !== undefined) {
      try {
        this.onRatingsChanged(outcome.boardsChanged);
      } catch (error) {
        this.log?.error({ err: error }, 'onRatingsChanged failed');
      }
    }
    return outcome;
  }
}
