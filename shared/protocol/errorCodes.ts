/**
 * Error codes the server answers with, in HTTP bodies and socket acknowledgements
 * (`{ ok: false, code, message }`). SCREAMING_SNAKE strings, stable across versions.
 */
export const ErrorCode = {
  /** The payload failed validation (wrong types, NaN, out-of-range values). */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  RACE_NOT_FOUND: 'RACE_NOT_FOUND',
  /** The race has no free seat or has already started. */
  RACE_NOT_JOINABLE: 'RACE_NOT_JOINABLE',
  /** An input or leave from a socket that drives no car. */
  NOT_A_DRIVER: 'NOT_A_DRIVER',
  /** A rematch asked for a race that has not finished yet. */
  RACE_NOT_FINISHED: 'RACE_NOT_FINISHED',
  INPUT_RATE_LIMITED: 'INPUT_RATE_LIMITED',
  RATE_LIMITED: 'RATE_LIMITED',
  AGENT_NOT_FOUND: 'AGENT_NOT_FOUND',
  /** An uploaded agent failed validation (422): `errors` name the file, the field and what was expected. */
  AGENT_INVALID: 'AGENT_INVALID',
  /** The request is not allowed for this caller (e.g. deleting an agent without its owner token). */
  FORBIDDEN: 'FORBIDDEN',
  /** The server is shutting down and accepts no new races. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  NOT_FOUND: 'NOT_FOUND',
  /** Not logged in (or wrong name or password at login, without saying which). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Registration with a name an account already has (compared case-insensitively). */
  NAME_TAKEN: 'NAME_TAKEN',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
