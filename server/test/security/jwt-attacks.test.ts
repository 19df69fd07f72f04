import { createServer, type Server } from 'node:http';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFingerprint } from '../../src/edge/auth/fingerprint.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { expectRefused } from '../helpers/ws-client.js';

/**
 * Hostile tokens, each refused on HTTP and on the WebSocket handshake with the same documented
 * answer (401 TOKEN_INVALID), and a canary proving no key URL is ever fetched.
 */
let server: TestServer;
let alice: Session;
let claims: { sub: string; sid: string; fph: string };
let canary: Server;
let canaryUrl: string;
const canaryHits: string[] = [];

beforeAll(async () => {
  server = await startServer();
  alice = await newUser(server.url, 'jwt');
  claims = JSON.parse(Buffer.from(alice.accessToken.split('.')[1]!, 'base64url').toString()) as typeof claims;
  canary = createServer((req, res) => {
    canaryHits.push(req.url ?? '');
    res.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  const address = canary.address();
  canaryUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => canary.close(resolve));
});

const enc = (value: unknown) => base64url.encode(JSON.stringify(value));
const now = () => Math.floor(Date.now() / 1000);

function validPayload(overrides: Record<string, unknown> = {}) {
  return {
    iss: 'parley',
    aud: 'parley',
    sub: claims.sub,
    sid: claims.sid,
    fph: claims.fph,
    jti: 'x',
    iat: now(),
    nbf: now(),
    exp: now() + 600,
    ...overrides,
  };
}

async function sign(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = {}) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
    .sign(new TextEncoder().encode(secret));
}

function hostileTokens(): Promise<[string, string][]> {
  const [header, payload, signature] = alice.accessToken.split('.') as [string, string, string];
  const tampered = enc({ ...validPayload(), sub: '00000000-0000-4000-8000-000000000000' });
  const secret = server.config.jwtSecret;
  return Promise.all([
    ...['none', 'None', 'NONE', 'nOnE'].map((alg): Promise<[string, string]> =>
      Promise.resolve([`alg ${alg}`, `${enc({ alg, typ: 'JWT' })}.${payload}.`]),
    ),
    Promise.resolve<[string, string]>(['missing alg', `${enc({ typ: 'JWT' })}.${payload}.${signature}`]),
    Promise.resolve<[string, string]>(['tampered claims, old signature', `${header}.${tampered}.${signature}`]),
    Promise.resolve<[string, string]>(['stripped signature', `${header}.${payload}`]),
    Promise.resolve<[string, string]>(['empty signature', `${header}.${payload}.`]),
    (async (): Promise<[string, string]> => [
      'wrong key',
      await sign(validPayload(), 'a-completely-different-secret-of-good-length-123'),
    ])(),
    (async (): Promise<[string, string]> => [
      'expired',
      await sign(validPayload({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }), secret),
    ])(),
    (async (): Promise<[string, string]> => ['future nbf', await sign(validPayload({ nbf: now() + 3600 }), secret)])(),
    (async (): Promise<[string, string]> => ['wrong iss', await sign(validPayload({ iss: 'evil' }), secret)])(),
    (async (): Promise<[string, string]> => [
      'wrong aud',
      await sign(validPayload({ aud: 'other-service' }), secret),
    ])(),
    (async (): Promise<[string, string]> => ['no exp', await sign(validPayload({ exp: undefined }), secret)])(),
    (async (): Promise<[string, string]> => [
      'HS512 with the right key',
      await new SignJWT(validPayload()).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(secret)),
    ])(),
    (async (): Promise<[string, string]> => [
      'kid path traversal',
      await sign(validPayload(), 'x'.repeat(40), { kid: '../../../../../../dev/null' }),
    ])(),
    (async (): Promise<[string, string]> => [
      'kid SQL injection',
      await sign(validPayload(), 'x'.repeat(40), { kid: "' UNION SELECT 'x' --" }),
    ])(),
    (async (): Promise<[string, string]> => [
      'embedded jwk',
      await sign(validPayload(), 'attacker-key-attacker-key-attacker-key', {
        jwk: { kty: 'oct', k: base64url.encode('attacker-key-attacker-key-attacker-key') },
      }),
    ])(),
    (async (): Promise<[string, string]> => [
      'jku canary',
      await sign(validPayload(), 'attacker-key-attacker-key-attacker-key', { jku: `${canaryUrl}/jwks.json` }),
    ])(),
    (async (): Promise<[string, string]> => [
      'x5u canary',
      await sign(validPayload(), 'attacker-key-attacker-key-attacker-key', { x5u: `${canaryUrl}/cert.pem` }),
    ])(),
    (async (): Promise<[string, string]> => [
      'unknown session id',
      await sign(validPayload({ sid: '00000000-0000-4000-8000-000000000000' }), secret),
    ])(),
    (async (): Promise<[string, string]> => [
      'another fingerprint',
      await sign(validPayload({ fph: hashFingerprint('not-the-cookie') }), secret),
    ])(),
  ]);
}

describe('JWT attacks', () => {
  it('refuses every hostile token on HTTP and on the handshake, and never fetches a key URL', async () => {
    const tokens = await hostileTokens();
    expect(tokens.length).toBe(22);
    for (const [label, token] of tokens) {
      const http = await request<{ error?: { code: string } }>(`${server.url}/api/v1/me`, {
        token,
        cookie: alice.cookie,
      });
      expect(http.status, label).toBe(401);
      expect(['TOKEN_INVALID', 'FINGERPRINT_MISMATCH', 'UNAUTHENTICATED'], label).toContain(http.body.error?.code);
      const ws = await expectRefused(server.wsUrl, undefined, {
        headers: { cookie: alice.cookie, authorization: `Bearer ${token}` },
      });
      expect(ws.status, label).toBe(401);
      expect(ws.body.error.code, label).toBe(http.body.error?.code);
    }
    expect(canaryHits).toEqual([]);
    // The genuine token still works: the refusals above are about the tokens, not the session.
    expect((await request(`${server.url}/api/v1/me`, { token: alice.accessToken, cookie: alice.cookie })).status).toBe(
      200,
    );
  });

  it('answers the sub-only tampering with the generic TOKEN_INVALID, never a hint of which check failed', async () => {
    const [header, , signature] = alice.accessToken.split('.') as [string, string, string];
    const forged = `${header}.${enc({ ...validPayload(), sub: 'admin' })}.${signature}`;
    const response = await request<{ error: { code: string; message: string } }>(`${server.url}/api/v1/me`, {
      token: forged,
      cookie: alice.cookie,
    });
    expect(response.body.error).toEqual({ code: 'TOKEN_INVALID', message: 'The access token is invalid or expired.' });
  });
});
