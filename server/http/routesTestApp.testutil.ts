/**
 * Test helper: an express app with the given routers and the same error edge as httpApp.ts
 * (ArenaError → its status and `{ ok: false, code, message }`), listening on a free port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import { ArenaError } from '../errors.ts';

export interface TestApp {
  readonly base: string;
  close(): Promise<void>;
}

export async function listenWith(...routers: Router[]): Promise<TestApp> {
  const app = express();
  for (const router of routers) app.use(router);
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (err instanceof ArenaError) res.status(err.status).json({ ok: false, code: err.code, message: err.message });
    else res.status(500).json({ ok: false, code: ErrorCode.INTERNAL, message: String(err) });
  };
  app.use(onError);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
