/**
 * Keeps the in-memory access token fresh. Refresh tokens rotate on every use with no grace
 * window, so two refreshes racing with the same cookie would revoke the session: there is at most
 * one refresh in flight per tab (a shared promise) and across tabs (a Web Lock). Whoever holds the
 * lock just refreshes — the cookie jar always has the newest refresh token.
 */
import type { LoginResponse } from '../../protocol/frames.js';
import * as api from './api.js';

const LOCK = 'parley-refresh';
/** Refresh this long before the access token expires (or a fifth of its life if that is shorter). */
const AHEAD_MS = 60_000;
const MIN_DELAY_MS = 5_000;
/** After a failed scheduled refresh that was not a clear "no", try again this soon. */
const RETRY_MS = 15_000;

let inflight: Promise<LoginResponse> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let active = false;
/** Bumped by dropSession, so a refresh that lands after a logout is not adopted. */
let generation = 0;
let onEnded: (error: api.ApiError) => void = () => undefined;
/** Told of every new access token (the chat hands it to its open socket). */
const adoptedListeners = new Set<(accessToken: string) => void>();

function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  // The lock is held until fn settles; request() resolves with what fn resolved with.
  return locks ? (locks.request(LOCK, fn) as unknown as Promise<T>) : fn();
}

/** Takes a login or refresh answer: holds the token and plans the next refresh. */
export function adoptSession(res: LoginResponse): void {
  api.setAccessToken(res.accessToken, res.accessTokenExpiresAt);
  active = true;
  schedule(res.accessTokenExpiresAt);
  for (const listener of adoptedListeners) listener(res.accessToken);
}

/** Calls `listener` with each access token adopted from now on; answers the way to stop. */
export function onTokenAdopted(listener: (accessToken: string) => void): () => void {
  adoptedListeners.add(listener);
  return () => adoptedListeners.delete(listener);
}

/** One refresh, shared by every caller in this tab. Rejects with an ApiError. */
export function refreshSession(): Promise<LoginResponse> {
  const started = generation;
  inflight ??= exclusive(() => api.refresh())
    .then((res) => {
      if (started !== generation) throw new api.ApiError(401, 'UNAUTHENTICATED', 'Logged out.');
      adoptSession(res);
      return res;
    })
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

function schedule(expiresAt: string): void {
  clearTimeout(timer);
  const left = Date.parse(expiresAt) - Date.now();
  if (!Number.isFinite(left)) return;
  const delay = Math.max(MIN_DELAY_MS, left - Math.min(AHEAD_MS, left / 5));
  timer = setTimeout(() => void scheduledRefresh(), delay);
}

async function scheduledRefresh(): Promise<void> {
  if (!active) return;
  try {
    await refreshSession();
  } catch (err) {
    if (!active) return;
    if (err instanceof api.ApiError && err.isAuthFailure) return onEnded(err);
    clearTimeout(timer);
    timer = setTimeout(() => void scheduledRefresh(), RETRY_MS);
  }
}

/** Starts answering the API's "renew" requests; `ended` hears when the server refused to refresh. */
export function installRefresher(ended: (error: api.ApiError) => void): void {
  onEnded = ended;
  api.setRenewer(async () => {
    try {
      await refreshSession();
    } catch (err) {
      if (err instanceof api.ApiError && err.isAuthFailure) onEnded(err);
      throw err;
    }
  });
}

/** Forgets the token and stops refreshing (logout, session ended). */
export function dropSession(): void {
  generation++;
  active = false;
  clearTimeout(timer);
  timer = undefined;
  api.clearAccessToken();
}
