/**
 * Who is calling: the `arena_session` cookie, resolved to an account once per request.
 *
 * THE CONTRACT: after `attachCurrentUser(accounts)`, `res.locals.user` is `{ id, name }` for a
 * logged-in caller and `undefined` for a guest. Guests may drive and spectate under a nickname;
 * routes that need an account (uploads, anything rated) put `requireUser` in front.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import type { AccountService, AccountUser } from '../accounts/accountService.ts';
import { parseCookies } from './cookies.ts';

export const SESSION_COOKIE = 'arena_session';

/** What `attachCurrentUser` sets. */
export interface CurrentUserLocals {
  user?: AccountUser;
}

/** The session token in a Cookie header, if any. */
export function sessionTokenFromCookieHeader(cookieHeader: string | undefined): string | undefined {
  return parseCookies(cookieHeader).get(SESSION_COOKIE);
}

/** The user a Cookie header's session belongs to (for sockets: `socket.handshake.headers.cookie`). */
export async function userFromCookieHeader(
  accounts: Pick<AccountService, 'userForToken'>,
  cookieHeader: string | undefined,
): Promise<AccountUser | undefined> {
  const token = sessionTokenFromCookieHeader(cookieHeader);
  if (token === undefined || token === '') return undefined;
  return (await accounts.userForToken(token)) ?? undefined;
}

/** Sets `res.locals.user` from the session cookie (undefined for guests and stale cookies). */
export function attachCurrentUser(accounts: Pick<AccountService, 'userForToken'>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.user = await userFromCookieHeader(accounts, req.headers.cookie);
    next();
  };
}

/** 401 UNAUTHORIZED for guests; mount after `attachCurrentUser`. */
export function requireUser(_req: Request, res: Response, next: NextFunction): void {
  if ((res.locals as CurrentUserLocals).user === undefined) {
    res.status(401).json({ ok: false, code: ErrorCode.UNAUTHORIZED, message: 'log in to do this' });
    return;
  }
  next();
}

/** The logged-in user of this request, or undefined (guest). */
export function currentUser(res: Response): AccountUser | undefined {
  return (res.locals as CurrentUserLocals).user;
}
