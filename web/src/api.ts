/**
 * HTTP API wrappers. The access token lives only in this module's memory: never in storage,
 * never in a URL. The fingerprint and refresh-token cookies are HttpOnly and travel by themselves
 * (same-origin), so a reload gets a new access token from `POST /auth/refresh` alone.
 */
import type { PasswordChange, UserProfile } from '../../protocol/account.js';
import type { ErrorCode, ErrorDetails } from '../../protocol/errors.js';
import type { LoginResponse, Message, Room, User } from '../../protocol/frames.js';

const BASE = '/api/v1';

let accessToken: string | null = null;
let accessTokenExpiresAt = 0;
/** Gets a new access token (serialized elsewhere); installed by the token refresher. */
let renew: (() => Promise<unknown>) | null = null;
/** Asks the person to prove it is them (password + code, or a passkey); true once they did. */
let stepUp: (() => Promise<boolean>) | null = null;

/**
 * 401 answers that refuse what was typed or presented (a password, a code, a passkey), not the
 * session's token: never renewed-and-retried, never "your session has ended".
 */
const PROOF_REFUSALS: ReadonlySet<string> = new Set([
  'INVALID_CREDENTIALS',
  'INVALID_CODE',
  'SECOND_STEP_EXPIRED',
  'PASSKEY_INVALID',
  'CHALLENGE_INVALID',
]);

export function setAccessToken(token: string, expiresAt: string): void {
  accessToken = token;
  const t = Date.parse(expiresAt);
  accessTokenExpiresAt = Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

export function clearAccessToken(): void {
  accessToken = null;
  accessTokenExpiresAt = 0;
}

/** The token if it has not expired yet (by our clock), else null. */
export function getAccessToken(): string | null {
  return accessToken !== null && Date.now() < accessTokenExpiresAt ? accessToken : null;
}

export function setRenewer(fn: (() => Promise<unknown>) | null): void {
  renew = fn;
}

/** Installs the step-up prompt: an answer STEP_UP_REQUIRED asks it, and the call is retried once it is proved. */
export function setStepUp(fn: (() => Promise<boolean>) | null): void {
  stepUp = fn;
}

/** An error answer from the server, or a network failure (status 0, code NETWORK). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK' | 'UNKNOWN',
    message: string,
    readonly retryAfter?: number,
    /** What some refusals add: MUTED says until when, MUTED and ACCOUNT_SUSPENDED the reason given. */
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session is over: its token is refused, or the account was suspended. */
  get isAuthFailure(): boolean {
    return (this.status === 401 && !PROOF_REFUSALS.has(this.code)) || this.code === 'ACCOUNT_SUSPENDED';
  }

  /** The server wants a fresh proof (a step-up) before this action. */
  get needsStepUp(): boolean {
    return (this.code as string) === 'STEP_UP_REQUIRED';
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

const SESSION_ENDED = 'Your session has ended. Log in again.';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Send the access token; on a 401, renew it once and try again (unless `renew: false`). */
  auth?: boolean;
  renew?: boolean;
  /** On STEP_UP_REQUIRED, ask for a proof and try once more (unless `stepUp: false`). */
  stepUp?: boolean;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  try {
    return await authorized<T>(path, opts);
  } catch (err) {
    if (!(err instanceof ApiError) || !err.needsStepUp || opts.stepUp === false || stepUp === null) throw err;
    if (!(await stepUp())) throw err;
    return authorized<T>(path, opts);
  }
}

async function authorized<T>(
  path: string,
  opts: RequestOptions,
  read: (res: Response) => Promise<T> = answer<T>,
): Promise<T> {
  const mayRenew = opts.auth === true && opts.renew !== false && renew !== null;
  let token = opts.auth ? getAccessToken() : null;
  if (opts.auth && token === null) {
    if (!mayRenew) throw new ApiError(401, 'TOKEN_INVALID', SESSION_ENDED);
    await renew!();
    token = getAccessToken();
  }
  const first = await send(path, opts, token);
  if (first.status !== 401 || !mayRenew || (await refusesProof(first.clone()))) return read(first);
  await renew!();
  return read(await send(path, opts, getAccessToken()));
}

async function send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  try {
    return await fetch(BASE + path, {
      method: opts.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection.');
  }
}

async function refusesProof(res: Response): Promise<boolean> {
  const data = (await res.json().catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
  return typeof data?.error?.code === 'string' && PROOF_REFUSALS.has(data.error.code);
}

async function answer<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw toApiError(res, data);
  return data as T;
}

function toApiError(res: Response, data: unknown): ApiError {
  return errorAnswer(res.status, data, res.headers.get('Retry-After'));
}

/** The ApiError an error answer stands for (its JSON body and `Retry-After`), whoever made the request. */
export function errorAnswer(status: number, data: unknown, retryAfterHeader: string | null): ApiError {
  const err = (
    data as { error?: { code?: unknown; message?: unknown; retryAfter?: unknown; until?: unknown; reason?: unknown } }
  )?.error;
  const code = typeof err?.code === 'string' ? (err.code as ErrorCode) : 'UNKNOWN';
  const message = typeof err?.message === 'string' ? err.message : `The server answered ${status}.`;
  const header = Number(retryAfterHeader);
  const retryAfter = typeof err?.retryAfter === 'number' ? err.retryAfter : header > 0 ? header : undefined;
  const details: ErrorDetails = {};
  if (typeof err?.until === 'string') details.until = err.until;
  if (typeof err?.reason === 'string') details.reason = err.reason;
  return new ApiError(status, code, message, retryAfter, details);
}

/** A file's bytes (`GET` with the Authorization header, renewed once on a 401): never a token in a URL. */
export function requestBlob(path: string): Promise<Blob> {
  return authorized(path, { auth: true }, async (res) => {
    if (!res.ok) throw toApiError(res, await res.json().catch(() => undefined));
    return res.blob();
  });
}

/**
 * The access token for a request made outside `request` (an upload, which needs XMLHttpRequest for
 * its progress): renewed first when it has expired, or when `fresh` (the server refused the last one).
 */
export async function tokenForCall(fresh = false): Promise<string> {
  const now = fresh ? null : getAccessToken();
  if (now !== null) return now;
  if (renew === null) throw new ApiError(401, 'TOKEN_INVALID', SESSION_ENDED);
  await renew();
  const token = getAccessToken();
  if (token === null) throw new ApiError(401, 'TOKEN_INVALID', SESSION_ENDED);
  return token;
}

export interface Credentials {
  username: string;
  password: string;
}

export function register(creds: Credentials): Promise<{ user: User }> {
  return request('/auth/register', { method: 'POST', body: creds });
}

/** With a second factor on, the password alone answers a ticket for the second step instead of tokens. */
export interface SecondStep {
  ticket: string;
  expiresAt: string;
  methods: ('totp' | 'recovery')[];
}

export function login(creds: Credentials): Promise<LoginResponse | { secondStep: SecondStep }> {
  return request('/auth/login', { method: 'POST', body: creds });
}

/** A new token pair from the HttpOnly refresh cookie; the old refresh token is spent. */
export function refresh(): Promise<LoginResponse> {
  return request('/auth/refresh', { method: 'POST', body: {} });
}

/** Ends this session (or all of mine) on the server, which closes the live sockets too. */
export function logout(allSessions = false): Promise<void> {
  return request('/auth/logout', { method: 'POST', body: { allSessions }, auth: true, renew: false });
}

export function me(): Promise<{ user: User }> {
  return request('/me', { auth: true });
}

/** Anyone's public profile (name, colour, when they joined); USER_NOT_FOUND if nobody has the name. */
export function userProfile(username: string): Promise<{ user: UserProfile }> {
  return request(`/users/${encodeURIComponent(username)}`, { auth: true });
}

/**
 * Changes my password. This session and its tokens stay as they are (nothing to adopt); with
 * `logoutOtherSessions` every other session of mine ends.
 */
export function changePassword(change: PasswordChange): Promise<void> {
  return request('/auth/password', { method: 'POST', body: change, auth: true });
}

export function listRooms(): Promise<{ rooms: Room[] }> {
  return request('/rooms', { auth: true });
}

export interface NewRoom {
  name: string;
  topic?: string;
  visibility: 'public' | 'private';
}

export function createRoom(room: NewRoom): Promise<{ room: Room }> {
  return request('/rooms', { method: 'POST', body: room, auth: true });
}

const roomPath = (room: string): string => `/rooms/${encodeURIComponent(room)}`;

export function updateRoom(
  room: string,
  change: { topic?: string; visibility?: 'public' | 'private' },
): Promise<{ room: Room }> {
  return request(roomPath(room), { method: 'PATCH', body: change, auth: true });
}

export interface Member {
  user: User;
  role: 'owner' | 'moderator' | 'member';
  joinedAt: string;
}

export function roomMembers(room: string): Promise<{ members: Member[] }> {
  return request(`${roomPath(room)}/members`, { auth: true });
}

/** Adds someone to a room I own. */
export function inviteMember(room: string, username: string): Promise<{ room: Room }> {
  return request(`${roomPath(room)}/members`, { method: 'POST', body: { username }, auth: true });
}

export function removeMember(room: string, username: string): Promise<void> {
  return request(`${roomPath(room)}/members/${encodeURIComponent(username)}`, { method: 'DELETE', auth: true });
}

/** Joins a public room (a member from now on). */
export function joinRoom(room: string): Promise<{ room: Room }> {
  return request(`${roomPath(room)}/join`, { method: 'POST', body: {}, auth: true });
}

export function leaveRoom(room: string): Promise<void> {
  return request(`${roomPath(room)}/leave`, { method: 'POST', body: {}, auth: true });
}

/** Moves my read marker (the socket's `read` frame does the same when it is up). */
export function markRead(room: string, seq: number): Promise<{ seq: number }> {
  return request(`${roomPath(room)}/read`, { method: 'POST', body: { seq }, auth: true });
}

/** The one direct conversation between me and `username` (opened if it did not exist). */
export function openDm(username: string): Promise<{ room: Room }> {
  return request('/dms', { method: 'POST', body: { username }, auth: true });
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

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}

export function listSessions(): Promise<{ sessions: SessionInfo[] }> {
  return request('/auth/sessions', { auth: true });
}

export function revokeSession(id: string): Promise<void> {
  return request(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE', auth: true });
}

export interface SecurityEvent {
  id: string;
  kind: string;
  at: string;
  ip: string;
  userAgent: string;
  sessionId: string | null;
}

export function securityEvents(limit = 50): Promise<{ events: SecurityEvent[] }> {
  return request(`/me/security-events?limit=${limit}`, { auth: true });
}
