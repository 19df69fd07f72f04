import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../../src/edge/auth/access-tokens.js';
import { hashFingerprint } from '../../src/edge/auth/fingerprint.js';
import { newUser, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, expectRefused } from '../helpers/ws-client.js';

let server: TestServer;
let alice: Session;
beforeAll(async () => {
  server = await startServer();
  alice = await newUser(server.url, 'alice');
});
afterAll(async () => {
  await server.close();
});

const browserProtocols = (token: string) => ['parley.v1', `parley.auth.${token}`];

describe('the WebSocket handshake', () => {
  it('accepts a browser-style handshake, selects parley.v1 and never echoes the token', async () => {
    const client = await connect(server.wsUrl, alice, { origin: server.origin });
    expect(client.ws.protocol).toBe('parley.v1');
    expect(client.frames[0]).toMatchObject({ type: 'ready', user: { username: alice.user.username } });
    await client.close();
  });

  it('accepts a Bearer header from a non-browser client without Origin', async () => {
    const client = await connect(server.wsUrl, alice, {
      protocols: [],
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    expect(client.frames[0]?.type).toBe('ready');
    await client.close();
  });

  it('refuses with no token: 401 UNAUTHENTICATED', async () => {
    const refusal = await expectRefused(server.wsUrl, ['parley.v1'], { headers: { cookie: alice.cookie } });
    expect(refusal).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });

  it('refuses a bad token: 401 TOKEN_INVALID', async () => {
    const tampered = alice.accessToken.slice(0, -4) + (alice.accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const token of ['not-a-jwt', tampered, 'e30.e30.']) {
      const refusal = await expectRefused(server.wsUrl, browserProtocols(token), { headers: { cookie: alice.cookie } });
      expect(refusal.status).toBe(401);
      expect(refusal.body.error.code).toBe('TOKEN_INVALID');
    }
  });

  it('refuses an expired token: 401 TOKEN_INVALID', async () => {
    const claims = JSON.parse(Buffer.from(alice.accessToken.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
      sub: string;
    };
    const past = new AccessTokens(server.config.jwtSecret, 60, { now: () => Date.now() - 3_600_000 });
    const fingerprint = alice.cookie.split('=')[1]!;
    const { token } = await past.sign({
      userId: claims.sub,
      sessionId: claims.sid,
      fingerprintHash: hashFingerprint(fingerprint),
    });
    const refusal = await expectRefused(server.wsUrl, browserProtocols(token), { headers: { cookie: alice.cookie } });
    expect(refusal).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_INVALID' } } });
  });

  it('refuses a token in the query string: 400 TOKEN_IN_QUERY', async () => {
    for (const key of ['token', 'access_token', 'TOKEN']) {
      const refusal = await expectRefused(`${server.wsUrl}?${key}=${alice.accessToken}`, ['parley.v1'], {
        headers: { cookie: alice.cookie },
      });
      expect(refusal).toMatchObject({ status: 400, body: { error: { code: 'TOKEN_IN_QUERY' } } });
    }
  });

  it('refuses a missing or wrong fingerprint cookie: 401 FINGERPRINT_MISMATCH', async () => {
    const missing = await expectRefused(server.wsUrl, browserProtocols(alice.accessToken));
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'FINGERPRINT_MISMATCH' } } });
    const wrong = await expectRefused(server.wsUrl, browserProtocols(alice.accessToken), {
      headers: { cookie: 'parley_fp=forged-value' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'FINGERPRINT_MISMATCH' } } });
  });

  it('refuses foreign, look-alike and null Origins: 403 ORIGIN_NOT_ALLOWED', async () => {
    const port = new URL(server.url).port;
    for (const origin of [
      'https://evil.example',
      `http://127.0.0.1.evil.example:${port}`,
      'null',
      `http://127.0.0.1:${Number(port) + 1}`,
    ]) {
      const refusal = await expectRefused(server.wsUrl, browserProtocols(alice.accessToken), {
        origin,
        headers: { cookie: alice.cookie },
      });
      expect(refusal, origin).toMatchObject({ status: 403, body: { error: { code: 'ORIGIN_NOT_ALLOWED' } } });
    }
  });

  it('refuses a handshake that does not offer parley.v1', async () => {
    const refusal = await expectRefused(server.wsUrl, [`parley.auth.${alice.accessToken}`], {
      headers: { cookie: alice.cookie },
    });
    expect(refusal).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
  });

  it('answers a plain GET with 426 and an unknown upgrade path with 404', async () => {
    const plain = await fetch(`${server.url}/api/v1/ws`);
    expect(plain.status).toBe(426);
    const refusal = await expectRefused(server.wsUrl.replace('/api/v1/ws', '/elsewhere'), ['parley.v1']);
    expect(refusal).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('does not accept permessage-deflate', async () => {
    const ws = new WebSocket(server.wsUrl, browserProtocols(alice.accessToken), {
      headers: { cookie: alice.cookie },
      perMessageDeflate: true,
    });
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.extensions).toBe('');
    ws.close();
  });
});
