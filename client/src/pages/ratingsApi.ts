/**
 * What the pages read from the ratings and race-history API (server/http/leaderboardRoutes.ts,
 * raceHistoryRoutes.ts, agentRoutes.ts); the bodies' types are shared/protocol/httpApi.ts.
 */
import type {
  AgentRaceHistoryPage,
  AgentRatings,
  AgentRecord,
  Board,
  LeaderboardPage,
  PlayerRaceHistoryPage,
  PlayerRatings,
  SubjectKind,
} from '../../../shared/protocol/httpApi.ts';
import type { ClientApp } from '../clientApp.ts';

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
  return app.api<AgentRatings>(`/api/agents/${encodeURIComponent(agentId)}/ratings`);
}

export function fetchAgentRaces(app: ClientApp, agentId: string, page: number, pageSize: number) {
  return app.api<AgentRaceHistoryPage>(
    `/api/agents/${encodeURIComponent(agentId)}/races?page=${page}&pageSize=${pageSize}`,
  );
}

export function fetchPlayerRatings(app: ClientApp, playerId: string) {
  return app.api<PlayerRatings>(`/api/players/${encodeURIComponent(playerId)}/ratings`);
}

export function fetchPlayerRaces(app: ClientApp, playerId: string, page: number, pageSize: number) {
  return app.api<PlayerRaceHistoryPage>(
    `/api/players/${encodeURIComponent(playerId)}/races?page=${page}&pageSize=${pageSize}`,
  );
}

/** The page of an entry of a board; bots have none. */
export function subjectPath(kind: SubjectKind, id: string): string | null {
  if (kind === 'agent') return `/agents/${encodeURIComponent(id)}`;
  if (kind === 'human') return `/players/${encodeURIComponent(id)}`;
  return null;
}
