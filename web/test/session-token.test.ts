/**
 * Refresh tokens rotate with no grace window, so refreshes must never race: one in flight per tab,
 * under a Web Lock across tabs, and the new access token is kept in memory only.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import * as api from '../src/api.js';
import { adoptSession, dropSession, refreshSession } from '../src/session-token.js';

const answer = (n: number) => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: new Date(Date.now() + 900_000).toISOString(),
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  user: { id: 'u', username: 'ann', color: '#88ff88' },
});

let calls = 0;
const lockNames: string[] = [];

beforeEach(() => {
  calls = 0;
  lockNames.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      expect(url).toBe('/api/v1/auth/refresh');
      expect(init.credentials).toBe('same-origin');
      expect(init.body).toBe('{}'); // the token is in the HttpOnly cookie, not in script
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return new Response(JSON.stringify(answer(calls)), { status: 200 });
    }),
  );
  vi.stubGlobal('navigator', {
    locks: {
      request: (name: string, fn: () => Promise<unknown>) => {
        lockNames.push(name);
        return fn();
      },
    },
  });
});
afterEach(() => {
  dropSession();
  vi.unstubAllGlobals();
});

it('shares one refresh between concurrent callers, under the cross-tab lock', async () => {
  const results = await Promise.all([refreshSession(), refreshSession(), refreshSession()]);
  expect(calls).toBe(1);
  expect(lockNames).toEqual(['parley-refresh']);
  expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(['access-1']));
  expect(api.getAccessToken()).toBe('access-1');
  await refreshSession();
  expect(calls).toBe(2);
  expect(api.getAccessToken()).toBe('access-2');
});

it('does not adopt a refresh that lands after logout', async () => {
  const pending = refreshSession();
  dropSession();
  await expect(pending).rejects.toBeInstanceOf(api.ApiError);
  expect(api.getAccessToken()).toBeNull();
});

it('refreshes by itself shortly before the access token expires', async () => {
  vi.useFakeTimers();
  try {
    adoptSession({ ...answer(0), accessTokenExpiresAt: new Date(Date.now() + 100_000).toISOString() });
    await vi.advanceTimersByTimeAsync(79_000);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000 + 10);
    expect(calls).toBe(1);
    expect(api.getAccessToken()).toBe('access-1');
  } finally {
    vi.useRealTimers();
  }
});
