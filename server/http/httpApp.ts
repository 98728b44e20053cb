import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import type { RaceListing } from '../../shared/protocol/events.ts';
import { createRaceSchema } from '../../shared/protocol/schemas.ts';
import { ArenaError, InvalidPayloadError } from '../errors.ts';
import type { Lobby } from '../lobby/lobby.ts';
import type { Logger } from '../log.ts';
import type { AccountService } from '../accounts/accountService.ts';
import { createAccountRouter } from './accountRoutes.ts';
import { attachCurrentUser } from './currentUser.ts';
import { createAgentRouter, type AgentRoutesOptions } from './agentRoutes.ts';

/** Largest JSON body accepted; bigger ones get 413 before parsing. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

export interface HttpAppOptions {
  readonly lobby: Lobby;
  readonly log: Logger;
  /** Built client to serve at /, when the folder exists. */
  readonly clientDistDir?: string;
  /** The agent API (/api/agents), when the arena has an agent store. */
  readonly agents?: AgentRoutesOptions;
  /** Accounts: /api/register, /api/login, /api/logout, /api/me and `res.locals.user` for every route. */
  readonly accounts?: AccountService;
  /** Session cookie marked Secure (HTTPS). [default: false] */
  readonly secureCookies?: boolean;
  /** More routers mounted under /api before the 404 (leaderboard, race history). */
  readonly routers?: readonly Router[];
  /** Every race to list at GET /api/races (with Redis: every process's). [default: the lobby's] */
  readonly listRaces?: () => Promise<readonly RaceListing[]>;
}

/** The express app: health, the race API, the built client, and the error edge. */
export function createHttpApp({
  lobby,
  log,
  clientDistDir,
  agents,
  accounts,
  secureCookies = false,
  routers = [],
  listRaces,
}: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: MAX_JSON_BODY_BYTES }));
  if (accounts !== undefined) {
    app.use(attachCurrentUser(accounts));
    app.use(createAccountRouter({ accounts, log, secureCookies }));
  }

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/api/races', async (_req, res) => {
    res.json(listRaces === undefined ? lobby.list() : await listRaces());
  });

  app.post('/api/races', (req, res) => {
    const parsed = createRaceSchema.safeParse(req.body);
    if (!parsed.success) throw new InvalidPayloadError(z.prettifyError(parsed.error));
    const room = lobby.create(parsed.data);
    res.status(201).json({ id: room.id });
  });

  if (agents !== undefined) app.use(createAgentRouter(agents, log));
  for (const router of routers) app.use(router);

  app.use('/api', (_req, res) => {
    res.status(404).json({ ok: false, code: ErrorCode.NOT_FOUND, message: 'no such endpoint' });
  });

  if (clientDistDir !== undefined) {
    const dir = resolve(clientDistDir);
    if (existsSync(dir)) {
      app.use(express.static(dir));
      app.get('/{*path}', (_req, res) => res.sendFile(resolve(dir, 'index.html')));
    }
  }

  app.use(errorHandler(log));
  return app;
}

/** Translates errors once: ArenaError → its status and code; body-parser errors → 400/413; others → 500. */
function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof ArenaError) {
      res.status(err.status).json({ ok: false, code: err.code, message: err.message });
      return;
    }
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status === 413) {
      res
        .status(413)
        .json({ ok: false, code: ErrorCode.INVALID_PAYLOAD, message: `body over ${MAX_JSON_BODY_BYTES} bytes` });
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).json({ ok: false, code: ErrorCode.INVALID_PAYLOAD, message: 'malformed request body' });
      return;
    }
    log.error({ err }, 'request failed');
    res.status(500).json({ ok: false, code: ErrorCode.INTERNAL, message: 'internal error' });
  };
}
