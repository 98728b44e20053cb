/** Turns a failed request into words a person can act on. */
import { ApiError } from '../clientApp.ts';

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  // fetch rejects with a TypeError when the request never got an answer.
  if (error instanceof TypeError) return 'the arena cannot be reached; check your connection';
  return error instanceof Error ? error.message : String(error);
}

/** True for a 404 answer. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
