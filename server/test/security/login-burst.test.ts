import { afterEach, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/ports/password-hasher.js';
import { GOOD_PASSWORD, register, request, uniqueName, type JsonResponse } from '../helpers/http.js';
import { GENEROUS_LIMITS, startServer, type TestServer } from '../helpers/server.js';

/**
 * Simultaneous guesses must be counted before bcrypt runs: a burst gets no more checks than the
 * documented allowance, the right password inside it is refused like the rest, and the shared
 * bcrypt pool stays free for everyone else. Real bcrypt at a realistic cost, so it would clog.
 */
const LIMITS = {
  RATE_LIMIT_LOGIN_FREE_FAILURES: '5',
  RATE_LIMIT_LOGIN_IP_PER_HOUR: '50',
  RATE_LIMIT_LOGIN_USER_PER_HOUR: '100',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: '4',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: '2',
};

/** The bystander's own password, so the hasher can tell its comparison from the burst's. */
const BYSTANDER_PASSWORD = 'quiet-heron-58-meadow';

/** The real hasher, counting its comparisons and the most it ran at once. */
class CountingHasher implements PasswordHasher {
  checks = 0;
  running = 0;
  peak = 0;
  /** How many other comparisons were outstanding when the bystander's began. */
  aheadOfBystander: number | undefined;
  constructor(private readonly real: PasswordHasher) {}
  hash(password: string): Promise<string> {
    return this.real.hash(password);
  }
  async verify(password: string, hash: string): Promise<boolean> {
    if (password === BYSTANDER_PASSWORD) this.aheadOfBystander = this.running;
    this.checks += 1;
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await this.real.verify(password, hash);
    } finally {
      this.running -= 1;
    }
  }
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function burstServer(extra: Record<string, string> = {}): Promise<{ s: TestServer; hasher: CountingHasher }> {
  let hasher: CountingHasher | undefined;
  server = await startServer({
    env: { ...GENEROUS_LIMITS, ...LIMITS, BCRYPT_COST: '10', TRUST_PROXY: '127.0.0.1', ...extra },
    hasher: (real) => (hasher = new CountingHasher(real)),
  });
  return { s: server, hasher: hasher! };
}

type Answer = JsonResponse<{ error?: { code: string; retryAfter?: number } }>;

function loginFrom(base: string, username: string, password: string, ip: string): Promise<Answer> {
  return request(`${base}/api/v1/auth/login`, {
    body: { username, password },
    headers: { 'x-forwarded-for': ip },
  });
}

/**
 * A wall-clock ceiling for the bystander's login during a burst. The issue asks for 2 s, and on a
 * machine with CPU to spare that is what we assert: there the same login beside 200 trivial requests
 * (the control, measured just before) takes well under 400 ms. Beside other jobs compiling, client
 * and server (one process here) are slowed many times over whatever Parley does, so there the
 * ceiling is ten times the control — still short of what a clogged bcrypt pool costs. The exact
 * property, on any machine, is `aheadOfBystander`.
 */
async function bystanderCeiling(base: string, username: string): Promise<number> {
  const trivial = Promise.all(Array.from({ length: 200 }, () => request(`${base}/health`)));
  const control = await bystander(base, username);
  await trivial;
  expect(control.status).toBe(200);
  return control.ms < 400 ? 2000 : 10 * control.ms;
}

/** An unrelated person logging in from elsewhere while the burst runs: how long it takes. */
async function bystander(base: string, username: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const answer = await loginFrom(base, username, BYSTANDER_PASSWORD, '198.51.100.20');
  return { status: answer.status, ms: performance.now() - started };
}

describe('a burst of simultaneous logins', () => {
  it('checks at most free + 1 passwords of one account from one IP, refuses the right one inside it, and keeps bcrypt free for others', async () => {
    const { s, hasher } = await burstServer();
    const victim = uniqueName('victim');
    const other = uniqueName('other');
    await register(s.url, victim);
    await register(s.url, other, BYSTANDER_PASSWORD);
    const ceiling = await bystanderCeiling(s.url, other);
    hasher.checks = 0;
    hasher.peak = 0;

    // The right password goes out inside the burst, once the server has refused at least one of
    // its attempts because of the growing delay (X-RateLimit-Limit: 1 marks that limit).
    let delayRefused!: () => void;
    const refusedByDelay = new Promise<void>((resolve) => (delayRefused = resolve));
    const burst = Array.from({ length: 300 }, (_, i) =>
      loginFrom(s.url, victim, `wrong-guess-${i}`, '203.0.113.7').then((answer) => {
        if (answer.status === 429 && answer.headers.get('x-ratelimit-limit') === '1') delayRefused();
        return answer;
      }),
    );
    const meanwhile = bystander(s.url, other);
    await refusedByDelay;
    const right = await loginFrom(s.url, victim, GOOD_PASSWORD, '203.0.113.7');
    const answers = await Promise.all(burst);
    const elsewhere = await meanwhile;

    expect(right.status).toBe(429);
    expect(right.body.error?.code).toBe('RATE_LIMITED');
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(6);
    for (const answer of answers.filter((a) => a.status === 429)) {
      expect(answer.body.error?.retryAfter).toBeGreaterThanOrEqual(1);
    }
    // The bystander's own comparison is the one more.
    expect(hasher.checks - 1).toBeLessThanOrEqual(5 + 1);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.ms).toBeLessThan(ceiling);
    // bcrypt stayed free for the bystander: its comparison waited behind no more than the
    // account's in-flight bound (a clogged pool would put up to 300 ahead of it). Its latency has
    // only a ceiling that allows for a loaded machine (bystanderCeiling).
    expect(hasher.aheadOfBystander).toBeLessThanOrEqual(2);
    console.info(
      `one account: ${hasher.checks - 1} bcrypt checks for 301 attempts, ${statuses.filter((x) => x === 401).length} answered 401, peak ${hasher.peak} at once, bystander ${Math.round(elsewhere.ms)} ms behind ${hasher.aheadOfBystander}`,
    );
  });

  it('checks at most the per-IP allowance for many accounts from one IP, never more than the in-flight bound at once', async () => {
    const { s, hasher } = await burstServer();
    const other = uniqueName('other');
    await register(s.url, other, BYSTANDER_PASSWORD);
    const real = [uniqueName('real'), uniqueName('real')];
    for (const name of real) await register(s.url, name);
    const ceiling = await bystanderCeiling(s.url, other);
    hasher.checks = 0;
    hasher.peak = 0;

    // Mostly unknown usernames (checked against the dummy hash, counted all the same).
    const names = Array.from({ length: 200 }, (_, i) => (i < real.length ? real[i]! : uniqueName(`spray${i}`)));
    const burst = Promise.all(names.map((name) => loginFrom(s.url, name, 'leaked-password-1', '203.0.113.8')));
    const elsewhere = await bystander(s.url, other);
    const answers = await burst;

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses).toContain(429);
    const checked = hasher.checks - 1;
    expect(checked).toBeLessThanOrEqual(50);
    expect(statuses.filter((status) => status === 401).length).toBe(checked);
    // Four from the burst's IP, plus at most the bystander.
    expect(hasher.peak).toBeLessThanOrEqual(4 + 1);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.ms).toBeLessThan(ceiling);
    // Its comparison waited behind at most the burst IP's four in flight, not the fifty it was allowed.
    expect(hasher.aheadOfBystander).toBeLessThanOrEqual(4);
    console.info(
      `many accounts: ${checked} bcrypt checks for 200 attempts, peak ${hasher.peak} at once, bystander ${Math.round(elsewhere.ms)} ms behind ${hasher.aheadOfBystander}`,
    );
  });

  it('with the in-flight bounds lifted, the reservations alone hold: free + 1 checks for one account, 50 for one IP', async () => {
    // Only the counts reserved before bcrypt stand between the burst and the hasher here.
    const { s, hasher } = await burstServer({
      RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: '100000',
      RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: '100000',
    });
    const victim = uniqueName('victim');
    await register(s.url, victim);
    hasher.checks = 0;
    const one = await Promise.all(
      Array.from({ length: 300 }, (_, i) => loginFrom(s.url, victim, `wrong-guess-${i}`, '203.0.113.9')),
    );
    expect(one.filter((answer) => answer.status === 401).length).toBe(hasher.checks);
    expect(hasher.checks).toBeLessThanOrEqual(5 + 1);

    hasher.checks = 0;
    const names = Array.from({ length: 200 }, (_, i) => uniqueName(`spray${i}`));
    const many = await Promise.all(names.map((name) => loginFrom(s.url, name, 'leaked-password-1', '203.0.113.10')));
    expect(many.filter((answer) => answer.status === 401).length).toBe(hasher.checks);
    expect(hasher.checks).toBeLessThanOrEqual(50);
    // Not vacuous: the allowance was used, then refused.
    expect(hasher.checks).toBeGreaterThanOrEqual(5);
    expect(many.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    console.info(`bounds lifted: ${hasher.checks} bcrypt checks for 200 accounts from one IP`);
  });
});
