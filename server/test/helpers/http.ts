import type { User } from '../../../protocol/index.js';

export interface Session {
  user: User;
  accessToken: string;
  /** `parley_fp=<value>` as a browser would send it back. */
  cookie: string;
  /** `parley_dev=<value>`: the device cookie the login set (it outlives the session). */
  deviceCookie?: string;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; token?: string; cookie?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.cookie !== undefined) headers['cookie'] = init.cookie;
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const send = () =>
    fetch(url, {
      method,
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  // A keep-alive connection the server closed just as a GET went out fails with "other side
  // closed"; browsers retry such idempotent requests once, and so do we.
  const response = await send().catch((error: unknown) => {
    if (method === 'GET' && (error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET') return send();
    throw error;
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text so a test can show it
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

let counter = 0;
/** A fresh, valid username for this test run. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`.slice(0, 32);
}

export const GOOD_PASSWORD = 'violet-sparrow-42-lantern';

export async function register(base: string, username: string, password = GOOD_PASSWORD): Promise<User> {
  const response = await request<{ user: User }>(`${base}/api/v1/auth/register`, { body: { username, password } });
  if (response.status !== 201)
    throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.user;
}

export async function login(base: string, username: string, password = GOOD_PASSWORD): Promise<Session> {
  const response = await request<{ accessToken: string; user: User }>(`${base}/api/v1/auth/login`, {
    body: { username, password },
  });
  if (response.status !== 200)
    throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  const setCookie = response.headers.get('set-cookie') ?? '';
  return {
    user: response.body.user,
    accessToken: response.body.accessToken,
    cookie: setCookie.split(';')[0] ?? '',
    deviceCookie: cookiePair(response.headers, 'parley_dev') ?? '',
  };
}

/** `name=value` of the Set-Cookie whose name ends with `name` (any __Host-/__Secure- prefix), if any. */
export function cookiePair(headers: Headers, name: string): string | undefined {
  return headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.split('=')[0]?.endsWith(name));
}

/** Registers and logs in a new user. */
export async function newUser(base: string, prefix = 'user'): Promise<Session> {
  const username = uniqueName(prefix);
  await register(base, username);
  return login(base, username);
}
