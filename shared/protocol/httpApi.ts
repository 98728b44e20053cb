/**
 * The JSON bodies the HTTP API answers with (README "HTTP API"; routes in server/http/), typed
 * once for the server that sends them and the client that reads them. Types only: nothing here
 * runs. Times are ISO 8601 strings.
 */

/** Which rating board: agent versions, human accounts, or both with the built-in bots. */
export type Board = 'agents' | 'humans' | 'all';

/** Who holds a rating: an agent version, a human account or a built-in bot (`bot-<difficulty>`). */
export type SubjectKind = 'agent' | 'human' | 'bot';

/** One entry of GET /api/leaderboard. */
export interface LeaderboardRow {
  readonly rank: number;
  readonly kind: SubjectKind;
  readonly id: string;
  readonly name: string;
  readonly mu: number;
  readonly sigma: number;
  /** mu − 3σ, what the board ranks by. */
  readonly ordinal: number;
  /** Rated races. */
  readonly races: number;
}

/** GET /api/leaderboard?board=…&page=…&pageSize=… */
export interface LeaderboardPage {
  readonly board: Board;
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly rows: readonly LeaderboardRow[];
}

/** A subject's current rating. */
export interface Rating {
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
  readonly races: number;
}

/** The rating after one rated race. */
export interface RatingPoint {
  readonly raceId: string;
  /** When the race finished. */
  readonly finishedAt: string;
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
  /** When the rating was stored. */
  readonly createdAt: string;
}

/** A rating and its history; null until the first rated race. */
export interface RatingHistory {
  readonly rating: Rating | null;
  /** Oldest first. */
  readonly history: readonly RatingPoint[];
}

/** GET /api/agents/:id/ratings */
export interface AgentRatings extends RatingHistory {
  readonly agentId: string;
}

/** GET /api/players/:id/ratings */
export interface PlayerRatings extends RatingHistory {
  readonly playerId: string;
  readonly name: string;
  readonly createdAt: string;
}

/** One race of an agent's or a player's history. */
export interface RaceHistoryItem {
  readonly raceId: string;
  readonly finishedAt: string;
  /** The name the car raced under. */
  readonly name: string;
  /** 1-based place. */
  readonly position: number;
  /** Cars in the race. */
  readonly cars: number;
  /** The car's end: 'finished' | 'dnf' | 'racing' (aborted races). */
  readonly status: string;
  readonly dnfReason: string | null;
  readonly bestLapTicks: number | null;
  /** CarRacing reward. */
  readonly totalReward: number;
  /** The race's end: 'finished' | 'aborted'. */
  readonly raceStatus: string;
  readonly rated: boolean;
}

/** A page of race history, newest first. */
export interface RaceHistoryPage {
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly races: readonly RaceHistoryItem[];
}

/** GET /api/agents/:id/races */
export interface AgentRaceHistoryPage extends RaceHistoryPage {
  readonly agentId: string;
}

/** GET /api/players/:id/races */
export interface PlayerRaceHistoryPage extends RaceHistoryPage {
  readonly playerId: string;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** Why a check failed: an AgentFormatError as JSON (server/agents/agentFormatError.ts). */
export interface CheckError {
  readonly code: 'AGENT_FORMAT';
  readonly message: string;
  /** The file as the user named it (an entry inside a zip: `bundle.zip:archive/data.pkl`); `upload`: all of it. */
  readonly file: string;
  /** The field or part of the file: `header.descr`, `shape`, `pickle.global` … */
  readonly field: string;
  readonly expected: string;
  readonly got: string;
  /** A sentence telling the user how to fix the file. */
  readonly hint?: string;
}

export interface ValidationCheck {
  /** Stable id: 'size', 'zip', 'manifest', 'model', 'shapes', 'weights', 'trial'. */
  readonly id: string;
  /** What was checked, in words. */
  readonly label: string;
  readonly status: CheckStatus;
  /** What the check found when it passed (e.g. "3 files, 1.8 MB"). */
  readonly detail?: string;
  /** Why it failed. */
  readonly error?: CheckError;
}

/** The trial episode an upload runs before it is stored. */
export interface TrialResult {
  readonly seed: number;
  readonly steps: number;
  readonly reward: number;
  /** Road tiles visited. */
  readonly tiles: number;
  readonly decisions: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** The engine it ran on ('onnxruntime', 'tfjs' …). */
  readonly backend: string;
}

/** An upload's validation report, check by check; checks after a failed one are skipped. */
export interface ValidationReport {
  readonly ok: boolean;
  readonly checks: readonly ValidationCheck[];
  /** Present once the trial episode ran. */
  readonly trial?: TrialResult;
}

/** One entry of GET /api/agents (newest first). */
export interface AgentSummary {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  /** The owner's user name; null for the arena's own agents. */
  readonly ownerName: string | null;
  readonly format: string;
  readonly architecture: string | null;
  readonly createdAt: string;
  readonly trial: TrialResult | null;
}

/** A stored file of an agent. */
export interface AgentFileRef {
  /** The file's name in the upload (its path inside a zip bundle). */
  readonly name: string;
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
}

/** GET /api/agents/:id, and PATCH /api/agents/:id's answer. */
export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  /** 1 + the owner's earlier versions of this name. */
  readonly version: number;
  /** The owner's user id; null for the arena's own agents. */
  readonly ownerId: string | null;
  /** The owner's user name; null for the arena's own agents. */
  readonly ownerName: string | null;
  readonly createdAt: string;
  /** model.format of the manifest. */
  readonly format: string;
  readonly architecture?: string;
  /** The effective manifest, with model.sha256 set to the stored model file's hash. */
  readonly manifest: Record<string, unknown>;
  readonly files: readonly AgentFileRef[];
  readonly report: ValidationReport;
  readonly status: 'ready';
}

/** POST /api/agents → 201. */
export interface AgentUploaded {
  readonly id: string;
  readonly report: ValidationReport;
  readonly agent: AgentSummary;
}

/** POST /api/agents → 422: the error body with the failed checks' errors and the whole report. */
export interface AgentRejected {
  readonly ok: false;
  readonly code: 'AGENT_INVALID';
  readonly message: string;
  readonly errors: readonly CheckError[];
  readonly report: ValidationReport;
}
