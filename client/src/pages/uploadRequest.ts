/**
 * POST /api/agents as multipart with XMLHttpRequest, which (unlike fetch) reports upload
 * progress. Resolves with the status and the parsed JSON body; rejects only when no answer came.
 */
import type { AgentRejected, AgentUploaded } from '../../../shared/protocol/httpApi.ts';

export interface UploadProgress {
  readonly loaded: number;
  /** 0 when the browser cannot tell. */
  readonly total: number;
}

export interface UploadAnswer {
  readonly status: number;
  /** 201: AgentUploaded; 422: AgentRejected; other errors: `{ ok: false, code, message }`. */
  readonly body:
    (Partial<AgentUploaded> & Partial<Pick<AgentRejected, 'message' | 'errors'>> & { readonly code?: string }) | null;
}

export interface UploadRequest {
  readonly done: Promise<UploadAnswer>;
  abort(): void;
}

export class UploadNetworkError extends Error {
  constructor(readonly aborted: boolean) {
    super(aborted ? 'the upload was cancelled' : 'the upload could not reach the arena; check your connection');
    this.name = 'UploadNetworkError';
  }
}

export function sendAgentUpload(
  files: readonly File[],
  fields: { name?: string; manifest?: string },
  callbacks: { onProgress(progress: UploadProgress): void; onSent(): void },
): UploadRequest {
  const form = new FormData();
  if (fields.name !== undefined && fields.name !== '') form.append('name', fields.name);
  if (fields.manifest !== undefined) form.append('manifest', fields.manifest);
  for (const file of files) form.append('file', file, file.name);

  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadAnswer>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (event) =>
      callbacks.onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 }),
    );
    xhr.upload.addEventListener('load', () => callbacks.onSent());
    xhr.addEventListener('load', () => {
      let body: UploadAnswer['body'] = null;
      try {
        body = xhr.responseText === '' ? null : (JSON.parse(xhr.responseText) as UploadAnswer['body']);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    });
    xhr.addEventListener('error', () => reject(new UploadNetworkError(false)));
    xhr.addEventListener('abort', () => reject(new UploadNetworkError(true)));
  });
  xhr.open('POST', '/api/agents');
  xhr.withCredentials = true;
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}
