import { ErrorCode } from '../shared/protocol/errorCodes.ts';

/**
 * A failure the server explains to its caller. Each edge translates it once: http/ into a 4xx
 * with `{ ok: false, code, message }`, transport/ into the same shape in a socket ack. Any
 * other error is logged and answered as INTERNAL without details.
 */
export class ArenaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** HTTP status for http/. */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidPayloadError extends ArenaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_PAYLOAD, message, 400);
  }
}

export class RaceNotFoundError extends ArenaError {
  constructor(raceId: string) {
    super(ErrorCode.RACE_NOT_FOUND, `no race ${JSON.stringify(raceId.slice(0, 64))}`, 404);
  }
}

export class RaceNotJoinableError extends ArenaError {
  constructor(raceId: string, why: string) {
    super(ErrorCode.RACE_NOT_JOINABLE, `race ${raceId} cannot be joined: ${why}`, 409);
  }
}

export class NotADriverError extends ArenaError {
  constructor(message = 'this connection drives no car') {
    super(ErrorCode.NOT_A_DRIVER, message, 403);
  }
}

export class RaceNotFinishedError extends ArenaError {
  constructor(raceId: string) {
    super(ErrorCode.RACE_NOT_FINISHED, `race ${raceId} has not finished`, 409);
  }
}

export class AgentNotFoundError extends ArenaError {
  constructor(agentId: string) {
    super(ErrorCode.AGENT_NOT_FOUND, `no agent ${JSON.stringify(agentId.slice(0, 128))}`, 400);
  }
}

export class ShuttingDownError extends ArenaError {
  constructor() {
    super(ErrorCode.SHUTTING_DOWN, 'the server is shutting down', 503);
  }
}

export class RateLimitedError extends ArenaError {
  constructor(code: typeof ErrorCode.INPUT_RATE_LIMITED | typeof ErrorCode.RATE_LIMITED, perSecond: number) {
    super(code, `more than ${perSecond} messages per second`, 429);
  }
}
