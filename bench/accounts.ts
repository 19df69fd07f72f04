/**
 * Accounts through Parley's real HTTP API, before anything is timed: register, then log in to get
 * an access token and the fingerprint cookie (`__Host-parley_fp` under the production config) that a
 * socket must present together.
 */
export interface Credential {
  username: string;
  accessToken: string;
  /** `<fingerprint cookie name>=<value>`, as a browser sends it back. */
  cookie: string;
}

export const BENCH_PASSWORD = 'violet-sparrow-42-lantern';

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function register(base: string, username: string): Promise<void> {
  const response = await post(`${base}/api/v1/auth/register`, { username, password: BENCH_PASSWORD });
  if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
}

export async function login(base: string, username: string): Promise<Credential> {
  const response = await post(`${base}/api/v1/auth/login`, { username, password: BENCH_PASSWORD });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { accessToken: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { username, accessToken: body.accessToken, cookie };
}

/** An API call as a signed-in browser makes it: bearer token and fingerprint cookie; fails on any error status. */
export async function callApi<T>(
  base: string,
  credential: Credential,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${credential.accessToken}`,
      cookie: credential.cookie,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} as ${credential.username}: ${response.status} ${text}`);
  return (text.length > 0 ? JSON.parse(text) : undefined) as T;
}

/** Registers and logs in `count` users named `<prefix>_<i>`, `concurrency` at a time. */
export async function mintCredentials(
  base: string,
  prefix: string,
  count: number,
  concurrency = 8,
): Promise<Credential[]> {
  const names = Array.from({ length: count }, (_, index) => `${prefix}_${index}`);
  return mapLimited(names, concurrency, async (name) => {
    await register(base, name);
    return login(base, name);
  });
}

/** Stand-ins for the baseline server, which checks nothing: same sizes, so the handshake bytes match. */
export function fakeCredentials(prefix: string, count: number, like: Credential | undefined): Credential[] {
  const tokenLength = like?.accessToken.length ?? 300;
  const cookieLength = like?.cookie.length ?? 53;
  return Array.from({ length: count }, (_, index) => ({
    username: `${prefix}_${index}`,
    accessToken: 'x'.repeat(tokenLength),
    cookie: `parley_fp=${'y'.repeat(Math.max(1, cookieLength - 'parley_fp='.length))}`,
  }));
}

export async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
