import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuthenticator, type Authenticator } from '../helpers/authenticator.js';
import { launchBrowser } from '../helpers/browser.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { codeOf, registerOptions, signIn, signInOptions, stepUp, stepUpOptions } from '../helpers/passkeys.js';

/**
 * Passkeys on two nodes sharing one PostgreSQL: a ceremony begun on node A finishes on node B (the
 * challenge is in the store, not in a node's memory), and is still single use across both.
 * Both nodes name the same relying party: the page's origin, as behind one load balancer.
 */
const PAGE = 'http://localhost:4997';
let cluster: Cluster;
let browser: Browser;
let dispose: () => Promise<void>;
let key: Authenticator;
let alice: Session;

beforeAll(async () => {
  cluster = await startCluster(2, { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: PAGE });
  ({ browser, dispose } = await launchBrowser());
  key = await openAuthenticator(browser, PAGE);
  alice = await newUser(cluster.nodes[0]!.url, 'pkc');
}, 240_000);
afterAll(async () => {
  await dispose?.();
  await cluster?.stop();
});

describe('a passkey ceremony across two nodes', () => {
  it('registration begun on A completes on B; sign-in begun on B completes on A; step-up A → B', async () => {
    const [a, b] = [cluster.nodes[0]!.url, cluster.nodes[1]!.url];
    const ceremony = await registerOptions(a, alice);
    const created = await request(`${b}/api/v1/me/passkeys`, {
      body: { ceremonyId: ceremony.ceremonyId, response: await key.register(ceremony.options), name: 'Laptop' },
      token: alice.accessToken,
      cookie: alice.cookie,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const login = await signInOptions(b);
    const response = await key.authenticate(login.options);
    const signedIn = await signIn(a, login, response);
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body.user.id).toBe(alice.user.id);
    // Used on A: gone on B too.
    expect(codeOf(await signIn(b, login, response))).toBe('CHALLENGE_INVALID');

    const confirm = await stepUpOptions(a, alice);
    const proof = await stepUp(b, alice, confirm, await key.authenticate(confirm.options));
    expect(proof.status, JSON.stringify(proof.body)).toBe(200);

    const feed = await request<{ events: { kind: string }[] }>(`${b}/api/v1/me/security-events`, {
      token: alice.accessToken,
      cookie: alice.cookie,
    });
    expect(feed.body.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['passkey_added', 'passkey_used']));
  });
});
