/**
 * Strong sign-in in the browser, as people use it. Passkeys with Chromium's virtual authenticator
 * (one per page, through the DevTools protocol): added and renamed on the security page, then the
 * only thing used to sign in (the button, and the browser's autofill offer on a second device);
 * removed after a step-up made with the passkey; another person's credential never signs in as the first. The authenticator app: enrolled from the page (a QR
 * drawn under the strict CSP, the secret as text, the first code), recovery codes shown once and
 * downloaded, then a password login that asks for the second step, a recovery code used once, and
 * the step-up prompt (password + code) before new recovery codes and turning it off. Any refused
 * action (log out everywhere, a password change) asks for the step-up and is retried after it.
 * The server's clock can be moved forward, which is how a proof gets older than five minutes.
 */
import * as OTPAuth from 'otpauth';
import type { Browser } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage, submitAuth, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import {
  addAuthenticator,
  addPasskey,
  closeSecurity,
  cspViolations,
  logOut,
  logOutQuietly,
  openSecurity,
  signInWithPasskey,
} from '../helpers/security-page.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
let dispose: () => Promise<void>;
/** How far the server's clock is ahead of the real one. */
let shift = 0;
const serverNow = (): number => Date.now() + shift;
/** Just past the step-up window (5 minutes): every proof made before it is stale. */
const STALE_MS = 6 * 60 * 1000;

beforeAll(async () => {
  ensureWebBuilt();
  server = await startServer({ clock: { now: serverNow } });
  const launched = await launchBrowser();
  browser = launched.browser;
  dispose = launched.dispose;
});

afterAll(async () => {
  await dispose?.();
  await server?.close();
});

/** The app at http://localhost:PORT: an IP address is not a valid RP ID, localhost is a secure context. */
const localUrl = (): string => server.url.replace('127.0.0.1', 'localhost');

/** Arrives at the app at http://localhost:PORT, registering there. */
async function arriveLocal(prefix: string): Promise<Person> {
  return arrive(browser, localUrl(), uniqueName(prefix), GOOD_PASSWORD);
}

it('a passkey added on the security page signs in alone; another authenticator never signs in as me; removed after a step-up', async () => {
  shift = 0;
  const ana = await arriveLocal('ana');
  const anaKey = await addAuthenticator(ana.context, ana.page);

  await openSecurity(ana.page);
  expect(await ana.page.textContent('#passkeys-list')).toContain('No passkeys yet');
  await addPasskey(ana.page, 'laptop');
  // Renamed in place.
  await ana.page.click('#passkeys-list li[data-passkey-id] button[data-action="rename"]');
  await ana.page.fill('#passkeys-list .rename-form input', 'work laptop');
  await ana.page.press('#passkeys-list .rename-form input', 'Enter');
  await ana.page.waitForSelector('#passkeys-list li[data-passkey-id]:has-text("work laptop")');
  await closeSecurity(ana.page);

  // Logged out, the passkey alone signs in: no username, no password.
  await logOutQuietly(ana.page, anaKey);
  await signInWithPasskey(ana.page, ana.username);
  expect(await ana.page.inputValue('#password')).toBe('');

  // Bob, in his own browser with his own authenticator, signs in as Bob and never as Ana.
  const bob = await arriveLocal('bob');
  const bobKey = await addAuthenticator(bob.context, bob.page);
  await openSecurity(bob.page);
  await addPasskey(bob.page, 'phone');
  await closeSecurity(bob.page);
  await logOutQuietly(bob.page, bobKey);
  await signInWithPasskey(bob.page, bob.username);
  expect(await bob.page.textContent('#me')).not.toContain(ana.username);

  // A second device holding Ana's passkey (synced): the browser's autofill offer on the login screen signs in at
  // once (a virtual authenticator answers a conditional request without anyone picking).
  const [anaCred] = (await anaKey.cdp.send('WebAuthn.getCredentials', { authenticatorId: anaKey.id })).credentials;
  const synced = await openPage(browser);
  const syncedKey = await addAuthenticator(synced.context, synced.page);
  await syncedKey.cdp.send('WebAuthn.addCredential', { authenticatorId: syncedKey.id, credential: anaCred! });
  await synced.page.goto(localUrl());
  await synced.page.waitForSelector('#status[data-state="online"]');
  expect(await synced.page.textContent('#me')).toContain(ana.username);
  // The copy counted a use; the first device learns the new count, as a synced passkey would (else the server
  // rightly takes its next, lower count for a cloned authenticator).
  const [used] = (await syncedKey.cdp.send('WebAuthn.getCredentials', { authenticatorId: syncedKey.id })).credentials;
  await anaKey.cdp.send('WebAuthn.removeCredential', {
    authenticatorId: anaKey.id,
    credentialId: anaCred!.credentialId,
  });
  await anaKey.cdp.send('WebAuthn.addCredential', { authenticatorId: anaKey.id, credential: used! });
  await synced.context.close();

  // Bob's credential presented under Ana's user handle (copied into a third authenticator) is refused.
  const [bobCred] = (await bobKey.cdp.send('WebAuthn.getCredentials', { authenticatorId: bobKey.id })).credentials;
  const forger = await openPage(browser);
  const forgerKey = await addAuthenticator(forger.context, forger.page);
  await forgerKey.cdp.send('WebAuthn.addCredential', {
    authenticatorId: forgerKey.id,
    credential: { ...bobCred!, userHandle: anaCred!.userHandle!, signCount: bobCred!.signCount + 1 },
  });
  await forger.page.goto(localUrl());
  await forger.page.waitForSelector('#auth:not([hidden])');
  await forger.page.click('#passkey-login-btn');
  await expect.poll(() => forger.page.textContent('#auth-error')).toMatch(/not accepted/i);
  expect(await forger.page.isHidden('#chat')).toBe(true);
  await forger.context.close();

  // Five minutes on, removing the passkey asks for a fresh proof; the passkey gives it and the removal goes through.
  shift = STALE_MS;
  await openSecurity(ana.page);
  await ana.page.click('#passkeys-list li[data-passkey-id] button[data-action="remove"]');
  await ana.page.waitForSelector('#step-up-dialog[open]');
  await ana.page.click('#step-up-passkey');
  await ana.page.waitForSelector('#step-up-dialog:not([open])', { state: 'attached' });
  await expect.poll(() => ana.page.textContent('#passkeys-done')).toContain('Removed "work laptop"');
  await ana.page.waitForSelector('#passkeys-list li.empty');
  await closeSecurity(ana.page);

  // Removed: the authenticator still holds it, but it signs in no more.
  await logOutQuietly(ana.page, anaKey);
  await ana.page.click('#passkey-login-btn');
  await expect.poll(() => ana.page.textContent('#auth-error')).toMatch(/not accepted/i);
  expect(await ana.page.isHidden('#chat')).toBe(true);

  expect(await cspViolations(ana.page)).toEqual([]);
  expect(ana.dialogs).toEqual([]);
  await ana.context.close();
  await bob.context.close();
  shift = 0;
});

it('enrols an authenticator app from the page, then a password login asks for the second step; step-up before changes', async () => {
  shift = 0;
  const cy = await arriveLocal('cy');
  await openSecurity(cy.page);
  expect(await cy.page.getAttribute('#totp-state', 'data-totp')).toBe('off');
  await cy.page.click('#totp-begin');
  await cy.page.waitForSelector('#totp-enrol:not([hidden])');
  // The QR is SVG built in the page (no inline style, no script), with the secret as text beside it.
  expect(await cy.page.locator('#totp-qr svg path').count()).toBe(1);
  const secret = (await cy.page.textContent('#totp-secret'))!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  /** The code an app would show `ahead` ms after the server's now. */
  const codeAt = (ahead = 0): string => totp.generate({ timestamp: serverNow() + ahead });

  // A wrong first code turns nothing on.
  await cy.page.fill('#totp-code', codeAt(10 * 60 * 1000));
  await cy.page.press('#totp-code', 'Enter');
  await cy.page.waitForSelector('#totp-error:not([hidden])');
  expect(await cy.page.getAttribute('#totp-state', 'data-totp')).toBe('off');

  await cy.page.fill('#totp-code', codeAt());
  await cy.page.press('#totp-code', 'Enter');
  await cy.page.waitForSelector('#recovery-box:not([hidden])');
  await cy.page.waitForSelector('#totp-state[data-totp="on"]');
  const codes = await cy.page.$$eval('#recovery-codes li', (items) => items.map((li) => li.textContent ?? ''));
  expect(codes).toHaveLength(10);
  const [download] = await Promise.all([cy.page.waitForEvent('download'), cy.page.click('#recovery-download')]);
  const saved = await readFile(await download.path(), 'utf8');
  for (const code of codes) expect(saved).toContain(code);
  await cy.page.click('#recovery-hide');
  expect(await cy.page.isHidden('#recovery-box')).toBe(true);
  expect(await cy.page.locator('#recovery-codes li').count()).toBe(0);
  await closeSecurity(cy.page);

  // The password alone is no longer enough: the second step asks for the code.
  await logOut(cy.page);
  await submitAuth(cy.page, cy.username, GOOD_PASSWORD, 'login');
  await cy.page.waitForSelector('#second-step-form:not([hidden])');
  expect(await cy.page.isHidden('#auth-form')).toBe(true);
  expect(await cy.page.getAttribute('#second-step-code', 'autocomplete')).toBe('one-time-code');
  await cy.page.fill('#second-step-code', '000000' === codeAt(30_000) ? '111111' : '000000');
  await cy.page.press('#second-step-code', 'Enter');
  await cy.page.waitForSelector('#second-step-error:not([hidden])');
  // The next step's code (the enrolment used this one).
  await cy.page.fill('#second-step-code', codeAt(30_000));
  await cy.page.press('#second-step-code', 'Enter');
  await cy.page.waitForSelector('#status[data-state="online"]');

  // A recovery code works once.
  await logOut(cy.page);
  await submitAuth(cy.page, cy.username, GOOD_PASSWORD, 'login');
  await cy.page.waitForSelector('#second-step-form:not([hidden])');
  await cy.page.click('#second-step-switch');
  await cy.page.fill('#second-step-code', codes[0]!);
  await cy.page.press('#second-step-code', 'Enter');
  await cy.page.waitForSelector('#status[data-state="online"]');
  await logOut(cy.page);
  await submitAuth(cy.page, cy.username, GOOD_PASSWORD, 'login');
  await cy.page.waitForSelector('#second-step-form:not([hidden])');
  await cy.page.click('#second-step-switch');
  await cy.page.fill('#second-step-code', codes[0]!);
  await cy.page.press('#second-step-code', 'Enter');
  await cy.page.waitForSelector('#second-step-error:not([hidden])');
  expect(await cy.page.textContent('#second-step-error')).toMatch(/already used|not valid/i);
  await cy.page.fill('#second-step-code', codes[1]!);
  await cy.page.press('#second-step-code', 'Enter');
  await cy.page.waitForSelector('#status[data-state="online"]');

  // Later: new recovery codes need the step-up (a wrong password is said, then password + code).
  shift = STALE_MS;
  await openSecurity(cy.page);
  expect(await cy.page.textContent('#totp-state')).toContain('8 recovery codes left');
  await cy.page.click('#recovery-regenerate');
  await cy.page.waitForSelector('#step-up-dialog[open]');
  await cy.page.fill('#step-up-password', 'not-my-password-at-all');
  await cy.page.fill('#step-up-code', codeAt());
  await cy.page.press('#step-up-password', 'Enter');
  await cy.page.waitForSelector('#step-up-error:not([hidden])');
  await cy.page.fill('#step-up-password', GOOD_PASSWORD);
  await cy.page.fill('#step-up-code', codeAt(30_000));
  await cy.page.press('#step-up-password', 'Enter');
  await cy.page.waitForSelector('#step-up-dialog:not([open])', { state: 'attached' });
  await cy.page.waitForSelector('#recovery-box:not([hidden])');
  const fresh = await cy.page.$$eval('#recovery-codes li', (items) => items.map((li) => li.textContent ?? ''));
  expect(fresh).toHaveLength(10);
  expect(fresh).not.toContain(codes[2]);
  await cy.page.click('#recovery-hide');

  // The proof is fresh: turning it off asks nothing more.
  await cy.page.click('#totp-disable');
  await cy.page.waitForSelector('#totp-state[data-totp="off"]');
  expect(await cy.page.isHidden('#step-up-dialog')).toBe(true);
  await closeSecurity(cy.page);

  await logOut(cy.page);
  await submitAuth(cy.page, cy.username, GOOD_PASSWORD, 'login');
  await cy.page.waitForSelector('#status[data-state="online"]');
  expect(await cspViolations(cy.page)).toEqual([]);
  expect(cy.dialogs).toEqual([]);
  await cy.context.close();
  shift = 0;
});

it('any refused action asks for the step-up and is retried after it; a cancelled prompt changes nothing', async () => {
  shift = 0;
  const dee = await arriveLocal('dee');
  shift = STALE_MS;

  // "Log out everywhere" with a stale proof: the prompt, cancelled, and everything stays as it was.
  await dee.page.click('#sessions-btn');
  await dee.page.waitForSelector('#sessions-dialog[open]');
  await dee.page.click('#logout-all-btn');
  await dee.page.waitForSelector('#step-up-dialog[open]');
  await dee.page.click('#step-up-cancel');
  await dee.page.waitForSelector('#step-up-dialog:not([open])', { state: 'attached' });
  expect(await dee.page.isVisible('#chat')).toBe(true);
  expect(await dee.page.getAttribute('#status', 'data-state')).toBe('online');

  // Changing the password: the prompt takes the password alone (no second factor here), then the change goes through.
  await dee.page.click('#account-btn');
  await dee.page.waitForSelector('#account-dialog[open]');
  await dee.page.fill('#password-current', GOOD_PASSWORD);
  await dee.page.fill('#password-new', 'copper-heron-glacier-77');
  await dee.page.fill('#password-confirm', 'copper-heron-glacier-77');
  await dee.page.press('#password-confirm', 'Enter');
  await dee.page.waitForSelector('#step-up-dialog[open]');
  expect(await dee.page.inputValue('#step-up-username')).toBe(dee.username);
  await dee.page.fill('#step-up-password', GOOD_PASSWORD);
  await dee.page.press('#step-up-password', 'Enter');
  await dee.page.waitForSelector('#step-up-dialog:not([open])', { state: 'attached' });
  await expect.poll(() => dee.page.textContent('#password-done')).toMatch(/password changed/i);
  expect(await cspViolations(dee.page)).toEqual([]);
  await dee.context.close();
  shift = 0;
});
