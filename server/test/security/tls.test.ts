import { request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import { startServer, tempDir, type TestServer } from '../helpers/server.js';
import { makeSelfSigned, type SelfSigned } from '../helpers/tls.js';
import { TestClient } from '../helpers/ws-client.js';

// Native TLS: a certificate made now, a server started with TLS_CERT/TLS_KEY, and clients that trust
// only that certificate. Nothing here speaks plain HTTP.
const dir = tempDir('parley-tls-');
let cert: SelfSigned;
let server: TestServer;

beforeAll(async () => {
  cert = makeSelfSigned(dir.path);
  server = await startServer({ env: { TLS_CERT: cert.certPath, TLS_KEY: cert.keyPath } });
});
afterAll(async () => {
  await server?.close();
  dir.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function call(path: string, body?: unknown): Promise<Answer> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        ca: cert.ca,
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('native TLS', () => {
  it('serves HTTPS on its own certificate, with HSTS', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await call('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('refuses a client that does not trust the certificate', async () => {
    const untrusted = new Promise((resolve, reject) => {
      const req = httpsRequest(new URL('/health', server.url), { agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    await expect(untrusted).rejects.toThrow(/self[- ]signed/i);
  });

  it('registers and logs in over HTTPS; the cookies are __Host-/__Secure- and Secure', async () => {
    const username = uniqueName('tls');
    const registered = await call('/api/v1/auth/register', { username, password: GOOD_PASSWORD });
    expect(registered.status).toBe(201);
    const login = await call('/api/v1/auth/login', { username, password: GOOD_PASSWORD });
    expect(login.status).toBe(200);
    const cookies = (login.headers['set-cookie'] as string[] | undefined) ?? [];
    const byName = new Map(cookies.map((line) => [line.split('=')[0]!, line]));
    expect([...byName.keys()].sort()).toEqual(['__Host-parley_fp', '__Secure-parley_dev', '__Secure-parley_rt']);
    for (const line of cookies) expect(line.split('; ')).toContain('Secure');
    // __Host- requires Path=/ and no Domain; browsers drop the cookie otherwise.
    expect(byName.get('__Host-parley_fp')).toMatch(/; Path=\/;/);
    expect(byName.get('__Host-parley_fp')).not.toMatch(/Domain=/i);
  });

  it('opens a WSS socket: ready, then a message is acknowledged', async () => {
    const username = uniqueName('wss');
    await call('/api/v1/auth/register', { username, password: GOOD_PASSWORD });
    const login = await call('/api/v1/auth/login', { username, password: GOOD_PASSWORD });
    const { accessToken } = login.body as { accessToken: string };
    const fingerprint = ((login.headers['set-cookie'] as string[]) ?? [])
      .map((line) => line.split(';')[0]!)
      .find((pair) => pair.startsWith('__Host-parley_fp='))!;
    const port = new URL(server.url).port;
    expect(server.wsUrl).toBe(`wss://127.0.0.1:${port}/api/v1/ws`);
    // The browser's origin under TLS is https://localhost:PORT: the default allow-list must hold it.
    const ws = new WebSocket(server.wsUrl, ['parley.v1', `parley.auth.${accessToken}`], {
      ca: cert.ca,
      origin: `https://localhost:${port}`,
      headers: { cookie: fingerprint },
    });
    const client = new TestClient(ws);
    await client.next('ready');
    await client.join('general');
    const ack = await client.sendText('over TLS');
    expect(ack.message.text).toBe('over TLS');
    expect(ack.message.seq).toBeGreaterThan(0);
    await client.close();
  });
});
