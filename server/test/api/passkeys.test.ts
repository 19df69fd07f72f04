import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { openAuthenticator, type Authenticator } from '../helpers/authenticator.js';
import { cookiePair, login, register, request, uniqueName, type Session } from '../helpers/http.js';
import {
  addPasskey,
  codeOf,
  registerOptions,
  signIn,
  signInOptions,
  stepUp,
  stepUpOptions,
} from '../helpers/passkeys.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** A clock the test moves: the server's challenges expire by it. */
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

let server: TestServer;
let browser: Browser;
let dispose: () => Promise<void>;
let origin: string;

beforeAll(async () => {
  server = await startServer({ clock });
  ({ browser, dispose } = await launchBrowser());
  origin = `http://localhost:${new URL(server.url).port}`;
});
afterAll(async () => {
  await dispose();
  await server.close();
});

async function person(): Promise<Session> {
  const name = uniqueName('pk');
  await register(server.url, name);
  return login(server.url, name);
}

async function events(session: Session): Promise<string[]> {
  const answer = await request<{ events: { kind: string }[] }>(`${server.url}/api/v1/me/security-events`, {
    token: session.accessToken,
    cookie: session.cookie,
  });
  return answer.body.events.map((e) => e.kind);
}

describe('passkeys over the API, with a real (virtual) authenticator', () => {
  let alice: Session;
  let aliceKey: Authenticator;
  let passkeyId: string;

  beforeAll(async () => {
    alice = await person();
    aliceKey = await openAuthenticator(browser, origin);
    passkeyId = await addPasskey(server.url, alice, aliceKey, 'Work laptop');
  });

  it('adds, lists and renames a passkey; the feed says passkey_added', async () => {
    const list = await request<{ passkeys: { id: string; name: string; backedUp: boolean }[] }>(
      `${server.url}/api/v1/me/passkeys`,
      { token: alice.accessToken, cookie: alice.cookie },
    );
    expect(list.body.passkeys).toEqual([
      expect.objectContaining({ id: passkeyId, name: 'Work laptop', lastUsedAt: null }),
    ]);
    const renamed = await request<{ passkey: { name: string } }>(`${server.url}/api/v1/me/passkeys/${passkeyId}`, {
      method: 'PATCH',
      body: { name: 'Laptop' },
      token: alice.accessToken,
      cookie: alice.cookie,
    });
    expect(renamed.body.passkey.name).toBe('Laptop');
    expect(await events(alice)).toContain('passkey_added');
  });

  it('signs in with the passkey: a normal device-bound session, with passkey_used in the feed', async () => {
    const ceremony = await signInOptions(server.url);
    const answer = await signIn(server.url, ceremony, await aliceKey.authenticate(ceremony.options));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.user.id).toBe(alice.user.id);
    const fingerprint = cookiePair(answer.headers, 'parley_fp');
    expect(fingerprint).toBeDefined();
    expect(cookiePair(answer.headers, 'parley_rt')).toBeDefined();
    expect(cookiePair(answer.headers, 'parley_dev')).toBeDefined();
    const session = { user: alice.user, accessToken: answer.body.accessToken, cookie: fingerprint! };
    // The token is bound to the new fingerprint cookie, as after a password login.
    const without = await request(`${server.url}/api/v1/me/passkeys`, { token: session.accessToken });
    expect(without.status).toBe(401);
    expect(await events(session)).toEqual(expect.arrayContaining(['passkey_used', 'login_succeeded']));
  });

  it('refuses a replayed response, a challenge used twice, and a ceremony without its cookie', async () => {
    const ceremony = await signInOptions(server.url);
    const response = await aliceKey.authenticate(ceremony.options);
    expect((await signIn(server.url, ceremony, response)).status).toBe(200);
    // The same ceremony again: its challenge is gone.
    expect(codeOf(await signIn(server.url, ceremony, response))).toBe('CHALLENGE_INVALID');
    // The captured response in a fresh ceremony: signed over another challenge.
    expect(codeOf(await signIn(server.url, await signInOptions(server.url), response))).toBe('PASSKEY_INVALID');
    // Begun in another browser (no ceremony cookie here).
    const other = await signInOptions(server.url);
    const theirs = await aliceKey.authenticate(other.options);
    expect(codeOf(await signIn(server.url, { ...other, cookie: '' }, theirs))).toBe('CHALLENGE_INVALID');
  });

  it('refuses an expired challenge and one begun for another purpose', async () => {
    const ceremony = await signInOptions(server.url);
    const response = await aliceKey.authenticate(ceremony.options);
    offsetMs = 301_000;
    try {
      expect(codeOf(await signIn(server.url, ceremony, response))).toBe('CHALLENGE_INVALID');
    } finally {
      offsetMs = 0;
    }
    const forStepUp = await stepUpOptions(server.url, alice);
    const signed = await aliceKey.authenticate(forStepUp.options);
    const cookie = (await signInOptions(server.url)).cookie!;
    expect(codeOf(await signIn(server.url, { ...forStepUp, cookie }, signed))).toBe('CHALLENGE_INVALID');
    // …and a registration ceremony begun by another session of the same user is not this one's.
    const mine = await registerOptions(server.url, alice);
    const other = await login(server.url, alice.user.username);
    const created = await request(`${server.url}/api/v1/me/passkeys`, {
      body: { ceremonyId: mine.ceremonyId, response: { id: 'x', type: 'public-key' }, name: 'x' },
      token: other.accessToken,
      cookie: other.cookie,
    });
    expect(codeOf(created)).toBe('CHALLENGE_INVALID');
  });

  it("another user's authenticator cannot sign in as the first, nor confirm the first's session", async () => {
    const bob = await person();
    const bobKey = await openAuthenticator(browser, origin);
    try {
      await addPasskey(server.url, bob, bobKey, 'Bob phone');
      // Bob's passkey signs Bob in, never Alice.
      const ceremony = await signInOptions(server.url);
      const response = await bobKey.authenticate(ceremony.options);
      const forged = {
        ...response,
        response: {
          ...(response['response'] as object),
          userHandle: Buffer.from(alice.user.id).toString('base64url'),
        },
      };
      expect(codeOf(await signIn(server.url, ceremony, forged))).toBe('PASSKEY_INVALID');
      // Bob's signature presented under Alice's credential id.
      const again = await signInOptions(server.url);
      const signed = await bobKey.authenticate(again.options);
      expect(codeOf(await signIn(server.url, again, { ...signed, id: passkeyId, rawId: passkeyId }))).toBe(
        'PASSKEY_INVALID',
      );
      // Bob's authenticator answering Alice's step-up.
      const aliceStepUp = await stepUpOptions(server.url, alice);
      const bobAnswer = await bobKey.authenticate({ ...aliceStepUp.options, allowCredentials: [] });
      expect(codeOf(await stepUp(server.url, alice, aliceStepUp, bobAnswer))).toBe('PASSKEY_INVALID');
      // Alice cannot rename or remove Bob's passkey: it does not exist for her.
      const bobs = await request<{ passkeys: { id: string }[] }>(`${server.url}/api/v1/me/passkeys`, {
        token: bob.accessToken,
        cookie: bob.cookie,
      });
      const bobKeyId = bobs.body.passkeys[0]!.id;
      const removal = await request(`${server.url}/api/v1/me/passkeys/${bobKeyId}`, {
        method: 'DELETE',
        token: alice.accessToken,
        cookie: alice.cookie,
      });
      expect(codeOf(removal)).toBe('PASSKEY_NOT_FOUND');
    } finally {
      await bobKey.close();
    }
  });

  it('removing a passkey needs a recent proof, which a passkey step-up gives', async () => {
    const remove = () =>
      request(`${server.url}/api/v1/me/passkeys/${passkeyId}`, {
        method: 'DELETE',
        token: alice.accessToken,
        cookie: alice.cookie,
      });
    // Six minutes after the login: its proof has lapsed.
    offsetMs = 360_000;
    try {
      expect(codeOf(await remove())).toBe('STEP_UP_REQUIRED');
      const ceremony = await stepUpOptions(server.url, alice);
      const answer = await stepUp(server.url, alice, ceremony, await aliceKey.authenticate(ceremony.options));
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(Date.parse(answer.body.proofUntil)).toBeGreaterThan(clock.now());
      expect((await remove()).status).toBe(204);
    } finally {
      offsetMs = 0;
    }
    expect(await events(alice)).toEqual(expect.arrayContaining(['passkey_removed', 'passkey_used']));
    // The removed passkey signs nobody in.
    const again = await signInOptions(server.url);
    expect(codeOf(await signIn(server.url, again, await aliceKey.authenticate(again.options)))).toBe('PASSKEY_INVALID');
  });
});

describe('the relying party comes from configuration, never from the request', () => {
  it('refuses a response made on another origin (a look-alike site)', async () => {
    const alice = await person();
    // Same RP ID (localhost), so the browser goes along; the page's origin is not the server's.
    const elsewhere = await openAuthenticator(browser, 'http://localhost:4998');
    try {
      const ceremony = await registerOptions(server.url, alice);
      const response = await elsewhere.register(ceremony.options);
      const answer = await request(`${server.url}/api/v1/me/passkeys`, {
        body: { ceremonyId: ceremony.ceremonyId, response, name: 'phished' },
        token: alice.accessToken,
        cookie: alice.cookie,
      });
      expect(codeOf(answer)).toBe('PASSKEY_INVALID');
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses a response for another RP ID, even from an allowed origin', async () => {
    const page = 'http://app.localhost:4999';
    const other = await startServer({ env: { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: page } });
    const key = await openAuthenticator(browser, page);
    try {
      const name = uniqueName('rp');
      await register(other.url, name);
      const session = await login(other.url, name);
      const ceremony = await registerOptions(other.url, session);
      // A page that asks its authenticator for its own RP ID instead of the one the server named.
      const options = { ...ceremony.options, rp: { ...(ceremony.options['rp'] as object), id: 'app.localhost' } };
      const response = await key.register(options);
      const answer = await request(`${other.url}/api/v1/me/passkeys`, {
        body: { ceremonyId: ceremony.ceremonyId, response, name: 'wrong rp' },
        token: session.accessToken,
        cookie: session.cookie,
      });
      expect(codeOf(answer)).toBe('PASSKEY_INVALID');
    } finally {
      await key.close();
      await other.close();
    }
  });
});
