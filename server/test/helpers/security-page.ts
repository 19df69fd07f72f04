/**
 * The security page and passkeys in the browser, for strong-sign-in tests: a CDP virtual authenticator
 * per page, the security dialog opened and closed, a passkey added, logging out with the login screen's
 * autofill offer held back, the passkey button.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Authenticator {
  cdp: CDPSession;
  id: string;
}

/** A platform authenticator that holds discoverable credentials and verifies the user by itself. */
export async function addAuthenticator(context: BrowserContext, page: Page): Promise<Authenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}

export async function openSecurity(page: Page): Promise<void> {
  await page.click('#account-btn');
  await page.waitForSelector('#account-dialog[open]');
  await page.click('#account-security');
  await page.waitForSelector('#security-dialog[open]');
  await page.waitForSelector('#passkeys-list:not([aria-busy])');
  await page.waitForSelector('#totp-state:not([aria-busy])');
}

export async function closeSecurity(page: Page): Promise<void> {
  await page.click('#security-close');
  await page.waitForSelector('#security-dialog:not([open])', { state: 'attached' });
}

export async function addPasskey(page: Page, name: string): Promise<void> {
  await page.fill('#passkey-name', name);
  await page.click('#passkey-add');
  await page.waitForSelector(`#passkeys-list li[data-passkey-id]:has-text("${name}")`);
  expect(await page.textContent('#passkeys-done')).toContain(`Added "${name}"`);
}

export async function logOut(page: Page): Promise<void> {
  await page.click('#logout-btn');
  await page.waitForSelector('#auth:not([hidden])');
}

/**
 * Logs out with the authenticator's presence simulation off, then on again: the login screen's
 * autofill offer (a conditional request) stays pending instead of being answered at once, so what
 * follows is the button's doing.
 */
export async function logOutQuietly(page: Page, key: Authenticator): Promise<void> {
  const presence = (enabled: boolean) =>
    key.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: key.id, enabled });
  await presence(false);
  await logOut(page);
  await presence(true);
}

export async function signInWithPasskey(page: Page, username: string): Promise<void> {
  await page.click('#passkey-login-btn');
  await page.waitForSelector('#status[data-state="online"]');
  expect(await page.textContent('#me')).toContain(username);
}

export const cspViolations = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
