/**
 * What the pages read from the ratings and race-history API (server/http/leaderboardRoutes.ts,
 * raceHistoryRoutes.ts, agentRoutes.ts), typed as the server answers it.
 */
import type { ClientApp } from '../clientApp.ts';

export type Board = 'agents' | 'humans' | 'all';
export type SubjectKind = 'agent' | 'human' | 'bot';

export interface LeaderboardRow {
  readonly rank: number;
  readonly kind: SubjectKind;
  readonly id: string;
  readonly name: string;
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
  readonly races: number;
}

export interface LeaderboardPage {
  readonly board: Board;
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly rows: readonly LeaderboardRow[];
}

export interface Rating {
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
  readonly races: number;
}

export interface RatingPoint {
  readonly raceId: string;
  readonly finishedAt: string;
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
}

export interface RatingHistory {
  readonly rating: Rating | null;
  /** Oldest first. */
  readonly history: readonly RatingPoint[];
}

export interface PlayerRatings extends RatingHistory {
  readonly playerId: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface RaceHistoryItem {
  readonly raceId: string;
  readonly finishedAt: string;
  /** The name the car raced under (player history only). */
  readonly name?: string;
  readonly position: number;
  readonly cars: number;
  /** 'finished' | 'dnf' | 'racing' (aborted races) */
  readonly status: string;
  readonly dnfReason: string | null;
  readonly bestLapTicks: number | null;
  readonly totalReward: number;
  /** 'finished' | 'aborted' */
  readonly raceStatus: string;
  readonly rated: boolean;
}

export interface RaceHistoryPage {
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly races: readonly RaceHistoryItem[];
}

export interface TrialResult {
  readonly seed: number;
  readonly steps: number;
  readonly reward: number;
  readonly tiles: number;
  readonly decisions: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly backend: string;
}

export interface CheckError {
  readonly message: string;
  readonly file: string;
  readonly field: string;
  readonly expected: string;
  readonly got: string;
  readonly hint?: string;
}

export interface ValidationCheck {
  readonly id: string;
  readonly label: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly detail?: string;
  readonly error?: CheckError;
}

export interface ValidationReport {
  readonly ok: boolean;
  readonly checks: readonly ValidationCheck[];
  readonly trial?: TrialResult;
}

/** GET /api/agents (list) entries. */
export interface AgentSummary {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly ownerName: string | null;
  readonly format: string;
  readonly architecture: string | null;
  readonly createdAt: string;
  readonly trial: TrialResult | null;
}

/** GET /api/agents/:id. */
export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly ownerName: string | null;
  readonly createdAt: string;
  readonly format: string;
  readonly architecture?: string;
  readonly manifest: Record<string, unknown>;
  readonly files: readonly { name: string; sha256: string; size: number }[];
  readonly report: ValidationReport;
}

export const BOARDS: readonly Board[] = ['all', 'agents', 'humans'];

export function isBoard(value: string | null): value is Board {
  return value !== null && (BOARDS as readonly string[]).includes(value);
}

export function fetchLeaderboard(app: ClientApp, board: Board, page: number, pageSize: number) {
  return app.api<LeaderboardPage>(`/api/leaderboard?board=${board}&page=${page}&pageSize=${pageSize}`);
}

export function fetchAgent(app: ClientApp, agentId: string) {
  return app.api<AgentRecord>(`/api/agents/${encodeURIComponent(agentId)}`);
}

export function fetchAgentRatings(app: ClientApp, agentId: string) {
  return app.api<RatingHistory & { agentId: string }>(`/api/agents/${encodeURIComponent(agentId)}/ratings`);
}

export function fetchAgentRaces(app: ClientApp, agentId: string, page: number, pageSize: number) {
  return app.api<RaceHistoryPage>(`/api/agents/${encodeURIComponent(agentId)}/races?page=${page}&pageSize=${pageSize}`);
}

export function fetchPlayerRatings(app: ClientApp, playerId: string) {
  return app.api<PlayerRatings>(`/api/players/${encodeURIComponent(playerId)}/ratings`);
}

export function fetchPlayerRaces(app: ClientApp, playerId: string, page: number, pageSize: number) {
  return app.api<RaceHistoryPage>(
    `/api/players/${encodeURIComponent(playerId)}/races?page=${page}&pageSize=${pageSize}`,
  );
}

/** The page of an entry of a board; bots have none. */
export function subjectPath(kind: SubjectKind, id: string): string | null {
  if (kind === 'agent') return `/agents/${encodeURIComponent(id)}`;
  if (kind === 'human') return `/players/${encodeURIComponent(id)}`;
  return null;
}
