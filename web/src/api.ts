/**
 * HTTP API wrappers. The access token lives only in this module's memory: never in storage,
 * never in a URL. The fingerprint cookie is HttpOnly and travels by itself (same-origin).
 */
import type { ErrorCode } from '../../protocol/errors.js';
import type { LoginResponse, Message, Room, User } from '../../protocol/frames.js';

const BASE = '/api/v1';

let accessToken: string | null = null;
let accessTokenExpiresAt = 0;

export function setAccessToken(token: string, expiresAt: string): void {
  accessToken = token;
  const t = Date.parse(expiresAt);
  accessTokenExpiresAt = Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

export function clearAccessToken(): void {
  accessToken = null;
  accessTokenExpiresAt = 0;
}

/** The token if it has not expired yet (by the server's clock as we saw it), else null. */
export function getAccessToken(): string | null {
  return accessToken !== null && Date.now() < accessTokenExpiresAt ? accessToken : null;
}

/** An error answer from the server, or a network failure (status 0, code NETWORK). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK' | 'UNKNOWN',
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isAuthFailure(): boolean {
    return this.status === 401;
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  auth?: boolean;
}

async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.auth) {
    const token = getAccessToken();
    if (token === null) throw new ApiError(401, 'TOKEN_INVALID', 'Your session has ended. Log in again.');
    headers['Authorization'] = `Bearer ${token}`;
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method: opts.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw toApiError(res, data);
  return data as T;
}

function toApiError(res: Response, data: unknown): ApiError {
  const err = (data as { error?: { code?: unknown; message?: unknown; retryAfter?: unknown } })?.error;
  const code = typeof err?.code === 'string' ? (err.code as ErrorCode) : 'UNKNOWN';
  const message = typeof err?.message === 'string' ? err.message : `The server answered ${res.status}.`;
  const header = Number(res.headers.get('Retry-After'));
  const retryAfter = typeof err?.retryAfter === 'number' ? err.retryAfter : header > 0 ? header : undefined;
  return new ApiError(res.status, code, message, retryAfter);
}

export interface Credentials {
  username: string;
  password: string;
}

export function register(creds: Credentials): Promise<{ user: User }> {
  return request('/auth/register', { method: 'POST', body: creds });
}

export function login(creds: Credentials): Promise<LoginResponse> {
  return request('/auth/login', { method: 'POST', body: creds });
}

/** Best effort: ends this session on the server (and closes its live sockets). */
export function logout(allSessions = false): Promise<void> {
  return request('/auth/logout', { method: 'POST', body: { allSessions }, auth: true });
}

export function me(): Promise<{ user: User }> {
  return request('/me', { auth: true });
}

export function listRooms(): Promise<{ rooms: Room[] }> {
  return request('/rooms', { auth: true });
}

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** Messages before `before` (exclusive); without `before`, the latest page. Order is not relied on. */
export function roomMessages(room: string, before?: number, limit = 50): Promise<HistoryPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) q.set('before', String(before));
  return request(`/rooms/${encodeURIComponent(room)}/messages?${q.toString()}`, { auth: true });
}
