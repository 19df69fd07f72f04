import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { ALLOWED_ORIGINS: 'https://chat.example.com' } });
});
afterAll(async () => {
  await server.close();
});

function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a hardened edge', () => {
  it('sends the strict CSP and the other security headers, and no X-Powered-By', async () => {
    const page = await raw('GET', '/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    for (const directive of [
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "default-src 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['x-powered-by']).toBeUndefined();
    // COOKIE_SECURE is off here (plain HTTP), so no HSTS: it would pin a name that has no TLS.
    expect(page.headers['strict-transport-security']).toBeUndefined();
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('refuses TRACE and TRACK without echoing the request', async () => {
    for (const method of ['TRACE', 'TRACK']) {
      const response = await raw(method, '/', { 'x-secret-header': 'do-not-echo' });
      expect(response.status, method).toBeGreaterThanOrEqual(400);
      expect(response.body).not.toContain('do-not-echo');
    }
  });

  it('serves no dotfiles, sources, package files or source maps', async () => {
    for (const path of [
      '/.env',
      '/.git/config',
      '/package.json',
      '/package-lock.json',
      '/server/src/main.ts',
      '/web/src/main.ts',
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/../../package.json',
      '/data/parley.db',
      '/data/jwt-secret',
    ]) {
      const response = await raw('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.body).not.toMatch(/"name":\s*"parley"|JWT|SQLite format/);
    }
    const page = await raw('GET', '/');
    for (const asset of page.body.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)) {
      const map = await raw('GET', `${asset[1]!}.map`);
      expect(map.status).toBe(404);
    }
  });

  it('allows CORS only for the exact listed origins, never * and never a reflected stranger', async () => {
    const allowed = await raw('OPTIONS', '/api/v1/me', {
      origin: 'https://chat.example.com',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://chat.example.com');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    for (const origin of [
      'https://evil.example',
      'https://chat.example.com.evil.example',
      'null',
      'https://CHAT.example.com',
    ]) {
      const preflight = await raw('OPTIONS', '/api/v1/me', { origin, 'access-control-request-method': 'GET' });
      expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
      const simple = await raw('GET', '/health', { origin });
      expect(simple.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('answers errors without a stack trace, SQL or path', async () => {
    const answers = [
      await request(`${server.url}/api/v1/auth/login`, { body: '{"username":' }),
      await request(`${server.url}/api/v1/auth/login`, { body: 'x', headers: { 'content-type': 'application/xml' } }),
      await request(`${server.url}/api/v1/rooms/%00/messages`),
      await request(`${server.url}/api/v1/nothing-here`),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat\b .*:\d+|\/work\/|node_modules|SELECT|sqlite/i);
      expect(answer.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });
});

describe('with COOKIE_SECURE=true', () => {
  let secure: TestServer;
  beforeAll(async () => {
    secure = await startServer({ env: { COOKIE_SECURE: 'true' } });
  });
  afterAll(async () => {
    await secure.close();
  });

  it('sends HSTS for a year with subdomains on every answer, and only Secure, prefixed cookies', async () => {
    for (const path of ['/', '/health', '/api/v1/nothing-here']) {
      const answer = await request(`${secure.url}${path}`);
      expect(answer.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
    }
    const username = uniqueName('hsts');
    await register(secure.url, username);
    const login = await request(`${secure.url}/api/v1/auth/login`, { body: { username, password: GOOD_PASSWORD } });
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie();
    expect(cookies.map((line) => line.split('=')[0])).toEqual([
      '__Host-parley_fp',
      '__Secure-parley_rt',
      '__Secure-parley_dev',
    ]);
    for (const line of cookies) expect(line).toMatch(/; HttpOnly; SameSite=Strict; .*Secure/);
    expect(cookies[2]).toMatch(/; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict; Max-Age=31536000; Secure$/);
  });
});
