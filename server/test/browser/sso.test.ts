/**
 * Single sign-on in Chromium, as people use it, against a real OpenID provider (oidc-provider in
 * process, on 127.0.0.1, with its development login and consent pages) while Parley runs at
 * http://localhost:PORT: "sign in with …" on the login screen, the provider's own pages, and back to a
 * logged-in chat, with no access, refresh or ID token in any URL the browser requested (redirect hops
 * and frames included: every request of the context). A first sign-in whose name is taken asks for a
 * username. From the security page a password account links the provider (after the step-up prompt),
 * then signs in with it; an account whose only way in is the provider cannot unlink it.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage } from '../helpers/browser.js';
import { movableClock } from '../helpers/backends.js';
import { GOOD_PASSWORD, register, uniqueName } from '../helpers/http.js';
import type { TestOidcProvider } from '../helpers/oidc-provider.js';
import { logOut, openSecurity } from '../helpers/security-page.js';
import type { TestServer } from '../helpers/server.js';
import { startSsoServer } from '../helpers/sso.js';

/** The provider's id in Parley's configuration, and the name its link shows. */
const ID = 'corp';
const NAME = `Test ${ID}`;
/** Parley's clock: moved past the step-up window (5 minutes) so that linking asks for a fresh proof. */
const clock = movableClock();
const STALE_MS = 6 * 60 * 1000;
let sso: Awaited<ReturnType<typeof startSsoServer>>;
let server: TestServer;
let idp: TestOidcProvider;
let browser: Browser;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ensureWebBuilt();
  sso = await startSsoServer([ID], { clock });
  server = sso.server;
  idp = sso.idps[ID]!;
  const launched = await launchBrowser();
  browser = launched.browser;
  dispose = launched.dispose;
});

afterAll(async () => {
  await dispose?.();
  await sso?.close();
});

/** An account at the provider whose preferred username is its id. */
function account(prefix: string): string {
  const login = uniqueName(prefix);
  idp.setAccount(login, { preferred_username: login, email: `${login}@example.com` });
  return login;
}

/** The app at http://localhost:PORT (the origin the binding cookie and the redirect URI are for). */
const localUrl = (): string => server.url.replace('127.0.0.1', 'localhost');

/** Where the chat (or the username step, or an error) has the page again, back from the provider. */
const BACK_IN_PARLEY =
  '#chat:not([hidden]) #status[data-state="online"], #sso-username-form:not([hidden]), #auth-error:not([hidden])';

/** Every URL the context requested, and every token the page was given (answers' bodies and the cookie). */
function watch(context: BrowserContext): { urls: string[]; tokens: () => Promise<string[]> } {
  const urls: string[] = [];
  const bodies: Promise<string[]>[] = [];
  context.on('request', (request) => urls.push(request.url()));
  context.on('response', (response: Response) => {
    const path = new URL(response.url()).pathname;
    if (!/^\/api\/v1\/auth\/(oidc\/exchange|oidc\/username|refresh|login)$/.test(path) || response.status() !== 200)
      return;
    bodies.push(
      response
        .json()
        .then((body: { accessToken?: string; refreshToken?: string }) =>
          [body.accessToken, body.refreshToken].filter((t): t is string => typeof t === 'string'),
        ),
    );
  });
  return {
    urls,
    async tokens() {
      const cookies = (await context.cookies()).filter((c) => /rt$|fp$/.test(c.name)).map((c) => c.value);
      return [...(await Promise.all(bodies)).flat(), ...cookies];
    },
  };
}

function expectNoTokenIn(urls: string[], tokens: string[]): void {
  expect(tokens.length).toBeGreaterThanOrEqual(2);
  for (const url of urls) {
    const decoded = decodeURIComponent(url);
    for (const token of tokens) expect(decoded, url).not.toContain(token);
    const u = new URL(url);
    const names = [...u.searchParams.keys(), ...new URLSearchParams(u.hash.slice(1)).keys()];
    expect(
      names.filter((n) => /^(token|access_token|refresh_token|id_token)$/i.test(n)),
      url,
    ).toEqual([]);
  }
}

/**
 * At the provider: its login form (any login is an account), then its consent page if it asks; a
 * provider that still has a session from an earlier sign-in sends the browser straight back.
 */
async function throughProvider(page: Page, login: string): Promise<void> {
  const first = await page.waitForSelector(`input[name="login"], ${BACK_IN_PARLEY}`);
  if ((await first.getAttribute('name')) === 'login') {
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
  }
  const next = await page.waitForSelector(`${BACK_IN_PARLEY}, input[name="prompt"][value="consent"]`, {
    state: 'attached',
  });
  if ((await next.getAttribute('name')) === 'prompt') await page.click('button[type="submit"]');
  await page.waitForSelector(BACK_IN_PARLEY);
}

async function signInWithProvider(page: Page, login: string): Promise<void> {
  await page.click(`a.sso-link[data-provider="${ID}"]`);
  await throughProvider(page, login);
}

it('signs in through the provider back to the chat, with no token in any URL the browser requested', async () => {
  const { context, page } = await openPage(browser);
  const seen = watch(context);
  await page.goto(localUrl());
  const link = await page.waitForSelector(`a.sso-link[data-provider="${ID}"]`);
  expect(await link.textContent()).toBe(`sign in with ${NAME}`);
  expect(await link.getAttribute('href')).toBe(`/api/v1/auth/oidc/${ID}/start`);

  // Reached from the keyboard: the next stop after "sign in with a passkey", followed with Enter.
  const login = account('sso');
  await page.focus('#passkey-login-btn');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['provider'])).toBe(ID);
  await page.keyboard.press('Enter');
  await throughProvider(page, login);
  await page.waitForSelector('#status[data-state="online"]');
  expect(await page.textContent('#me')).toBe(login);
  // The one-time code left the address bar at once.
  expect(page.url()).toBe(`${localUrl()}/`);

  // The way went through the provider's pages, its callback and the code, and nothing more.
  expect(seen.urls.some((u) => u.startsWith(idp.issuer))).toBe(true);
  expect(seen.urls.some((u) => u.includes(`/api/v1/auth/oidc/${ID}/callback?`))).toBe(true);
  expect(seen.urls.some((u) => /\/\?sso=/.test(u))).toBe(true);
  expectNoTokenIn(seen.urls, await seen.tokens());

  // The provider is this account's only way in: unlinking it is refused, plainly.
  await openSecurity(page);
  await page.waitForSelector('#identities-list li[data-identity-id]');
  await page.click('#identities-list button[data-action="unlink"]');
  expect(await (await page.waitForSelector('#identities-error:not([hidden])')).textContent()).toMatch(
    /only way to sign in/,
  );
  expect(await page.$$('#identities-list li[data-identity-id]')).toHaveLength(1);
  await context.close();
});

it('an unknown code leaves the address bar and ends on the login screen, saying so', async () => {
  const { context, page } = await openPage(browser);
  const seen = watch(context);
  await page.goto(`${localUrl()}/?sso=not-a-real-code`);
  const error = await page.waitForSelector('#auth-error:not([hidden])');
  expect(await error.textContent()).toMatch(/expired or was already used/);
  expect(page.url()).toBe(`${localUrl()}/`);
  expect(seen.urls.filter((u) => u.endsWith('/api/v1/auth/oidc/exchange'))).toHaveLength(1);
  await page.waitForSelector(`a.sso-link[data-provider="${ID}"]`);
  await context.close();
});

it('asks for a username when the provider’s name is taken here, and says so when the pick is taken too', async () => {
  const taken = account('taken');
  await register(server.url, taken);
  const { context, page } = await openPage(browser);
  const seen = watch(context);
  await page.goto(localUrl());
  await page.waitForSelector(`a.sso-link[data-provider="${ID}"]`);
  await signInWithProvider(page, taken);

  await page.waitForSelector('#sso-username-form:not([hidden])');
  expect(page.url()).toBe(`${localUrl()}/`);
  expect(await page.isHidden('#auth-form')).toBe(true);
  const suggestion = await page.inputValue('#sso-username');
  expect(suggestion).not.toBe(taken);

  await page.fill('#sso-username', taken);
  await page.click('#sso-username-btn');
  const error = await page.waitForSelector('#sso-username-error:not([hidden])');
  expect(await error.textContent()).toMatch(/taken/);
  expect(await page.getAttribute('#sso-username', 'aria-invalid')).toBe('true');

  const chosen = uniqueName('picked');
  await page.fill('#sso-username', chosen);
  await page.press('#sso-username', 'Enter');
  await page.waitForSelector('#status[data-state="online"]');
  expect(await page.textContent('#me')).toBe(chosen);
  expectNoTokenIn(seen.urls, await seen.tokens());
  await context.close();
});

it('links the provider from the security page after a step-up, then signs in with it; unlinks it while the password remains', async () => {
  const ana = await arrive(browser, localUrl(), uniqueName('ana'), GOOD_PASSWORD);
  const seen = watch(ana.context);
  await openSecurity(ana.page);
  await ana.page.waitForSelector('#identities-section:not([hidden]) #identities-list:not([aria-busy])');
  expect(await ana.page.textContent('#identities-list')).toContain('No linked sign-ins yet');
  // Her login is old by now: linking asks her to confirm it is her (the step-up prompt), then goes on.
  clock.advance(STALE_MS);
  await ana.page.click(`#identities-link button[data-provider="${ID}"]`);
  await ana.page.waitForSelector('#step-up-dialog[open]');
  await ana.page.fill('#step-up-password', GOOD_PASSWORD);
  await ana.page.click('#step-up-confirm');
  // Still in the chat until the browser has left for the provider (whose login page then waits).
  await ana.page.waitForURL((url) => url.href.startsWith(idp.issuer));
  const login = account('anaidp');
  await throughProvider(ana.page, login);

  // Back with ?ssoLinked: the address is clean, the security page open again, saying so, with the identity.
  await ana.page.waitForSelector('#security-dialog[open] #identities-list li[data-identity-id]');
  expect(ana.page.url()).toBe(`${localUrl()}/`);
  expect(await ana.page.textContent('#identities-done')).toContain(`Linked ${NAME}`);
  expect(await ana.page.textContent('#identities-list')).toContain(NAME);
  await ana.page.click('#security-close');

  // Logged out, the provider signs in as Ana (not a new account named after the provider's login).
  await logOut(ana.page);
  await signInWithProvider(ana.page, login);
  await ana.page.waitForSelector('#status[data-state="online"]');
  expect(await ana.page.textContent('#me')).toBe(ana.username);
  expectNoTokenIn(seen.urls, await seen.tokens());

  // Her password remains, so unlinking is allowed (this sign-in is a fresh proof: no step-up asked).
  await openSecurity(ana.page);
  await ana.page.waitForSelector('#identities-list li[data-identity-id]');
  await ana.page.click('#identities-list button[data-action="unlink"]');
  await ana.page.waitForSelector('#identities-list li.empty');
  expect(await ana.page.textContent('#identities-done')).toContain(`Unlinked ${NAME}`);
  await ana.context.close();
});
