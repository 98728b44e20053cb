/**
 * The agent API: upload (multipart), list, show, rename, delete. Uploading, renaming and deleting
 * need a logged-in user (`res.locals.user`, set by the session middleware of currentUser.ts):
 * guests get 401; only the owner may rename or delete an agent (the arena's own have none).
 *
 *   POST   /api/agents      multipart: one or more `file` parts, optional `name` and `manifest`
 *                           fields → 201 { id, report, agent } or 422 { errors, report }; 401
 *   GET    /api/agents      → [{ id, name, version, ownerName, format, architecture, createdAt, trial }],
 *                           newest first
 *   GET    /api/agents/:id  → the record (report and files included)
 *   PATCH  /api/agents/:id  JSON { name } → 200 the record; 400; 401; 403; 404
 *   DELETE /api/agents/:id  → 204; 401; 403; 404
 *
 * Multipart is streamed through busboy; bytes past the size limits are counted, not kept, and
 * the 'size' check of the report says what was too big. Nothing is stored unless every check
 * passed. The bodies' types are in shared/protocol/httpApi.ts.
 */
import { validateAgentPackage } from '../agents/upload/validateAgentPackage.ts';
import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../shared/protocol/errorCodes.ts';
import type {
  AgentRejected,
  AgentSummary,
  AgentUploaded,
  AgentRecord as AgentRecordBody,
} from '../../shared/protocol/httpApi.ts';
import type { AccountUser } from '../accounts/accountService.ts';
import type { AgentRecord, AgentStore } from '../agents/store/agentStore.ts';
import {
  DEFAULT_UPLOAD_LIMITS,
  validateUpload,
  type UploadedFile,
  type UploadFields,
  type UploadValidation,
  type UploadValidationOptions,
} from '../agents/upload/collectUpload.ts';
import { InvalidPayloadError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { currentUser } from './currentUser.ts';

/** Longest `name` field. */
export const MAX_AGENT_NAME_LENGTH = 80;
/** Longest `manifest` field (JSON text). */
export const MAX_MANIFEST_FIELD_BYTES = 64 * 1024;

export interface AgentRoutesOptions {
  readonly store: AgentStore;
  /** Largest file and largest upload in all, in bytes. [default: 50 MiB] */
  readonly maxUploadBytes?: number;
  /** Most files in one upload. [default: 16] */
  readonly maxFiles?: number;
  /** Validation of the received files. [default: validateUpload with the limits above] */
  readonly validate?: (
    uploaded: readonly UploadedFile[],
    fields: UploadFields,
    options: UploadValidationOptions,
  ) => Promise<UploadValidation>;
  /**
   * Most uploads received and validated at once (each holds up to maxUploadBytes and runs a
   * trial episode); more get 429 RATE_LIMITED. [default: 2]
   */
  readonly maxConcurrentUploads?: number;
  /** Called once an agent is stored or renamed (the runtime registers it). Errors are logged, not returned. */
  readonly onAgentStored?: (id: string) => void | Promise<void>;
  /** Engine the trial episode runs built-in architectures on (as races do). [default: 'onnxruntime'] */
  readonly builtinBackend?: 'onnxruntime' | 'tfjs';
  /** Called once an agent is deleted (the runtime forgets it). */
  readonly onAgentDeleted?: (id: string) => void;
}

/** Body of PATCH /api/agents/:id. */
export const renameAgentSchema = z.strictObject({
  name: z.string().trim().min(1).max(MAX_AGENT_NAME_LENGTH),
});

export function agentSummary(record: AgentRecord): AgentSummary {
  return {
    id: record.id,
    name: record.name,
    version: record.version,
    ownerName: record.ownerName,
    format: record.format,
    architecture: record.architecture ?? null,
    createdAt: record.createdAt,
    trial: record.report.trial ?? null,
  };
}

export function createAgentRouter(options: AgentRoutesOptions, log: Logger): Router {
  const { store } = options;
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_UPLOAD_LIMITS.maxTotalBytes;
  const maxFiles = options.maxFiles ?? DEFAULT_UPLOAD_LIMITS.maxFiles;
  const validate = options.validate ?? validateUpload;
  const maxConcurrent = options.maxConcurrentUploads ?? 2;
  let inFlight = 0;
  const router = Router();

  router.post('/api/agents', async (req, res) => {
    if (!req.is('multipart/form-data')) {
      res.status(415).json({
        ok: false,
        code: ErrorCode.INVALID_PAYLOAD,
        message: 'send the agent as multipart/form-data (file parts, optional name and manifest fields)',
      });
      return;
    }
    const user = currentUser(res);
    if (user === undefined) {
      // Drain the body (kept nowhere) so the client reads the answer rather than a reset.
      capBodySize(req, 2 * maxUploadBytes + MAX_MANIFEST_FIELD_BYTES + 64 * 1024);
      req.resume();
      await once(req, 'end');
      sendUnauthorized(res, 'log in to upload an agent');
      return;
    }
    // Bytes past the limits are counted, not kept; a body far past them is cut off.
    capBodySize(req, 2 * maxUploadBytes + MAX_MANIFEST_FIELD_BYTES + 64 * 1024);
    if (inFlight >= maxConcurrent) {
      // Drain the body (kept nowhere) so the client reads the answer rather than a reset.
      req.resume();
      await once(req, 'end');
      res.status(429).json({
        ok: false,
        code: ErrorCode.RATE_LIMITED,
        message: `${maxConcurrent} uploads are being validated; retry in a few seconds`,
      });
      return;
    }
    inFlight++;
    try {
      await receiveAndStore(req, res, user);
    } finally {
      inFlight--;
    }
  });

  /** Tells the runtime an agent was stored or renamed; its errors are logged, not returned. */
  async function notifyStored(agentId: string): Promise<void> {
    if (options.onAgentStored === undefined) return;
    try {
      await options.onAgentStored(agentId);
    } catch (err) {
      log.error({ err, agentId }, 'onAgentStored failed');
    }
  }

  async function receiveAndStore(req: Request, res: Response, user: AccountUser): Promise<void> {
    const { files, fields } = await receiveMultipart(req, req.headers, { maxUploadBytes, maxFiles });
    const builtinBackend = options.builtinBackend ?? 'onnxruntime';
    const result = await validate(files, fields, {
      limits: { maxFileBytes: maxUploadBytes, maxTotalBytes: maxUploadBytes, maxFiles },
      validatePackage: (report, input) => validateAgentPackage(report, input, { builtinBackend }),
    });
    if (!result.report.ok || result.agent === undefined) {
      sendInvalid(res, result);
      return;
    }
    const { agent, report } = result;
    const record = await store.create(
      {
        ownerId: user.id,
        name: agent.name,
        format: agent.format,
        ...(agent.architecture === undefined ? {} : { architecture: agent.architecture }),
        manifest: agent.manifest,
        modelFile: agent.modelFile,
        report,
      },
      result.files,
    );
    log.info(
      { agentId: record.id, ownerId: user.id, format: record.format, files: record.files.length },
      'agent stored',
    );
    await notifyStored(record.id);
    const body: AgentUploaded = { id: record.id, report, agent: agentSummary(record) };
    res.status(201).json(body);
  }

  router.get('/api/agents', async (_req, res) => {
    const body: AgentSummary[] = (await store.list()).map(agentSummary);
    res.json(body);
  });

  router.get('/api/agents/:id', async (req, res) => {
    const record = await store.get(req.params.id);
    if (record === undefined) {
      sendNotFound(res, req.params.id);
      return;
    }
    const body: AgentRecordBody = record;
    res.json(body);
  });

  router.patch('/api/agents/:id', async (req, res) => {
    const user = currentUser(res);
    if (user === undefined) {
      sendUnauthorized(res, 'log in to rename your agents');
      return;
    }
    const parsed = renameAgentSchema.safeParse(req.body);
    if (!parsed.success) throw new InvalidPayloadError(z.prettifyError(parsed.error));
    const result = await store.rename(req.params.id, user.id, parsed.data.name);
    if (result.outcome === 'not-found') {
      sendNotFound(res, req.params.id);
    } else if (result.outcome === 'forbidden') {
      sendForbidden(res, 'only its owner may rename an agent');
    } else {
      log.info({ agentId: req.params.id, userId: user.id }, 'agent renamed');
      await notifyStored(req.params.id);
      const body: AgentRecordBody = result.record;
      res.json(body);
    }
  });

  router.delete('/api/agents/:id', async (req, res) => {
    const user = currentUser(res);
    if (user === undefined) {
      sendUnauthorized(res, 'log in to delete your agents');
      return;
    }
    const outcome = await store.delete(req.params.id, user.id);
    if (outcome === 'not-found') {
      sendNotFound(res, req.params.id);
    } else if (outcome === 'forbidden') {
      sendForbidden(res, 'only its owner may delete an agent');
    } else {
      log.info({ agentId: req.params.id, userId: user.id }, 'agent deleted');
      options.onAgentDeleted?.(req.params.id);
      res.status(204).end();
    }
  });

  return router;
}

function sendInvalid(res: Response, result: UploadValidation): void {
  const errors = result.report.checks.flatMap((c) => (c.status === 'failed' && c.error !== undefined ? [c.error] : []));
  const body: AgentRejected = {
    ok: false,
    code: ErrorCode.AGENT_INVALID,
    message: errors.length > 0 ? `the agent failed validation: ${errors[0].message}` : 'the agent failed validation',
    errors,
    report: result.report,
  };
  res.status(422).json(body);
}

function sendUnauthorized(res: Response, message: string): void {
  res.status(401).json({ ok: false, code: ErrorCode.UNAUTHORIZED, message });
}

function sendForbidden(res: Response, message: string): void {
  res.status(403).json({ ok: false, code: ErrorCode.FORBIDDEN, message });
}

function sendNotFound(res: Response, id: string): void {
  res
    .status(404)
    .json({ ok: false, code: ErrorCode.AGENT_NOT_FOUND, message: `no agent ${JSON.stringify(id.slice(0, 128))}` });
}

/** Destroys the request (an error for its listeners) once more than `cap` body bytes arrived. */
function capBodySize(req: Request, cap: number): void {
  let seen = 0;
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen > cap) {
      req.off('data', onData);
      req.destroy(new InvalidPayloadError(`request body over ${cap} bytes`));
    }
  };
  req.on('data', onData);
}

/**
 * Streams the multipart body through busboy. Keeps at most maxUploadBytes + 1 bytes in all:
 * a file past the limit is dropped and only its received length is reported, so the 'size'
 * check fails naming it. Malformed fields are a 400.
 */
async function receiveMultipart(
  req: Request,
  headers: IncomingHttpHeaders,
  limits: { maxUploadBytes: number; maxFiles: number },
): Promise<{ files: UploadedFile[]; fields: UploadFields }> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      preservePath: true, // keep what the client sent, so the size check refuses paths by name
      limits: {
        fileSize: limits.maxUploadBytes + 1,
        files: limits.maxFiles + 1,
        fields: 8,
        fieldSize: MAX_MANIFEST_FIELD_BYTES + 1,
        fieldNameSize: 64,
        parts: limits.maxFiles + 1 + 8,
      },
    });
  } catch (error) {
    throw new InvalidPayloadError(`malformed multipart request: ${error instanceof Error ? error.message : error}`);
  }

  const files: UploadedFile[] = [];
  const fields: { name?: string; manifest?: string } = {};
  const pending: Promise<void>[] = [];
  let fieldError: string | undefined;
  let kept = 0;

  const readFile = (stream: Readable & { truncated?: boolean }, filename: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let dropped = false;
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (dropped) return;
        if (kept + chunk.length > limits.maxUploadBytes + 1) {
          // Over the limit: keep counting, stop keeping.
          dropped = true;
          kept -= chunks.reduce((n, c) => n + c.length, 0);
          chunks.length = 0;
          return;
        }
        kept += chunk.length;
        chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => {
        if (stream.truncated === true || dropped) {
          kept -= chunks.reduce((n, c) => n + c.length, 0);
          files.push({ name: filename, bytes: new Uint8Array(0), receivedBytes: received });
        } else if (!(filename === '' && received === 0)) {
          // (An empty part without a name is a browser's file input left empty: skipped.)
          const buffer = Buffer.concat(chunks);
          files.push({ name: filename, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length) });
        }
        resolve();
      });
    });

  parser.on('file', (field, stream, info) => {
    if (field !== 'file' && field !== 'files') {
      fieldError ??= `unexpected file field ${JSON.stringify(field)}: send files as "file"`;
      stream.resume();
      return;
    }
    pending.push(readFile(stream, info.filename ?? ''));
  });
  parser.on('field', (name, value, info) => {
    if (name === 'name') {
      if (info.valueTruncated || value.length > MAX_AGENT_NAME_LENGTH) {
        fieldError ??= `name: at most ${MAX_AGENT_NAME_LENGTH} characters`;
      } else if (value.trim() !== '') {
        fields.name = value.trim();
      }
    } else if (name === 'manifest') {
      if (info.valueTruncated) fieldError ??= `manifest: at most ${MAX_MANIFEST_FIELD_BYTES} bytes of JSON`;
      else fields.manifest = value;
    }
    // Other fields are ignored.
  });
  // Past `files` (maxFiles + 1) busboy drops further file parts: the maxFiles + 1 kept ones
  // already fail the size check's count.

  await new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', (error: unknown) =>
      reject(new InvalidPayloadError(`malformed multipart request: ${error instanceof Error ? error.message : error}`)),
    );
    req.on('error', reject);
    req.pipe(parser);
  });
  await Promise.all(pending);
  if (fieldError !== undefined) throw new InvalidPayloadError(fieldError);
  return { files, fields };
}
