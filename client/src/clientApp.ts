import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/events.ts';

/** The logged-in account (`GET /api/me`), or null for a guest. */
export interface CurrentUser {
  readonly id: string;
  readonly name: string;
}

/** A failed API call: `code` is the server's stable error code, `message` is for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ArenaSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * What every page gets: the one socket.io connection, JSON calls to the HTTP API, the current
 * account (or a guest nickname), and navigation without reloads.
 */
export interface ClientApp {
  readonly socket: ArenaSocket;
  /** JSON request to the arena's API; throws ApiError on a non-2xx answer. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  /** The logged-in account, or null for a guest. */
  readonly user: CurrentUser | null;
  /** The name a human races under: the account's name, or the guest's nickname. */
  readonly driverName: string;
  setGuestNickname(name: string): void;
  /** Re-reads `/api/me` (after login, logout or register) and notifies listeners. */
  refreshUser(): Promise<void>;
  /** Called whenever `user` or `driverName` changes; returns an unsubscribe function. */
  onUserChange(listener: () => void): () => void;
  /** Client-side navigation (history.pushState), e.g. `app.navigate('/races/abc')`. */
  navigate(path: string): void;
}

/**
 * A page: draws itself into `root` and returns its cleanup (remove listeners, stop tickers,
 * destroy Pixi apps). `params` are the route's `:name` parts, `query` the URL's search params.
 */
export type PageMount = (
  root: HTMLElement,
  app: ClientApp,
  params: Readonly<Record<string, string>>,
  query: URLSearchParams,
) => (() => void) | void;

const NICKNAME_KEY = 'arena.nickname';

export function createClientApp(navigate: (path: string) => void): ClientApp {
  const socket: ArenaSocket = io({ transports: ['websocket'] });
  const listeners = new Set<() => void>();
  let user: CurrentUser | null = null;
  let nickname = localStorage.getItem(NICKNAME_KEY) ?? `guest-${Math.floor(Math.random() * 9000 + 1000)}`;
  localStorage.setItem(NICKNAME_KEY, nickname);
  const notify = (): void => listeners.forEach((listener) => listener());

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const headers = new Headers(init.headers);
    if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    if (!response.ok) {
      const failure = (body ?? {}) as { code?: string; message?: string };
      throw new ApiError(
        response.status,
        failure.code ?? 'HTTP_ERROR',
        failure.message ?? `${response.status} ${response.statusText}`,
      );
    }
    return body as T;
  };

  return {
    socket,
    api,
    get user() {
      return user;
    },
    get driverName() {
      return user?.name ?? nickname;
    },
    setGuestNickname(name: string) {
      nickname = name.trim().slice(0, 32) || nickname;
      localStorage.setItem(NICKNAME_KEY, nickname);
      notify();
    },
    async refreshUser() {
      try {
        user = await api<CurrentUser>('/api/me');
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        user = null;
      }
      notify();
    },
    onUserChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    navigate,
  };
}
