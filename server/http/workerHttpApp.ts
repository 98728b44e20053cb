/**
 * A race worker's HTTP server (ROLE=worker): only `/healthz`, and the operations routes
 * (`/readyz`, `/metrics`) so that an orchestrator can probe it and Prometheus can scrape it.
 * No API and no client: players reach the web processes.
 */
import express, { type Express, type Router } from 'express';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';

export function createWorkerHttpApp(operations: Router): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, role: 'worker' });
  });
  app.use(operations);
  app.use((_req, res) => {
    res.status(404).json({
      ok: false,
      code: ErrorCode.NOT_FOUND,
      message: 'a race worker serves only /healthz, /readyz and /metrics',
    });
  });
  return app;
}
