/**
 * "My sessions" in the browser: the same person logged in on two devices sees both, ends the other
 * one, and that other browser is logged out within seconds; "log out everywhere" ends the rest.
 */
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { arrive, useServerAndBrowser } from '../helpers/browser.js';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import { type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

it('revoking a session from another browser logs it out within seconds', async () => {
  const username = uniqueName('grace');
  const laptop = await arrive(browser, server.url, username, GOOD_PASSWORD, 'register');
  const phone = await arrive(browser, server.url, username, GOOD_PASSWORD, 'login', {
    viewport: { width: 390, height: 844 },
  });

  await phone.page.click('#sessions-btn');
  await phone.page.waitForSelector('#sessions-dialog[open]');
  const items = phone.page.locator('#sessions-list li.session');
  await expect.poll(() => items.count()).toBe(2);
  expect(await phone.page.locator('#sessions-list li.session.current').count()).toBe(1);
  await phone.page.waitForSelector('#events-list li[data-kind="login_succeeded"]');

  const started = Date.now();
  await phone.page.locator('#sessions-list li.session:not(.current) button.revoke').click();
  await laptop.page.waitForSelector('#auth:not([hidden])', { timeout: 5000 });
  expect(Date.now() - started).toBeLessThan(5000);
  expect(await laptop.page.textContent('#auth-error')).toMatch(/session has ended/i);
  expect(await laptop.page.isHidden('#chat')).toBe(true);
  // The list now holds only the phone, and the revocation is in the security events.
  await expect.poll(() => items.count()).toBe(1);
  await phone.page.waitForSelector('#events-list li[data-kind="session_revoked"]');
  // A reload of the revoked browser does not bring the session back.
  await laptop.page.reload();
  await laptop.page.waitForSelector('#auth:not([hidden])');

  // Keyboard only: Escape closes the dialog, focus goes back to the button that opened it.
  await phone.page.keyboard.press('Escape');
  await phone.page.waitForSelector('#sessions-dialog:not([open])', { state: 'attached' });
  expect(await phone.page.evaluate(() => document.activeElement?.id)).toBe('sessions-btn');

  // Log in on the laptop again, then "log out everywhere" from the phone ends both.
  await laptop.context.close();
  const again = await arrive(browser, server.url, username, GOOD_PASSWORD, 'login');
  await phone.page.click('#sessions-btn');
  await expect.poll(() => items.count()).toBe(2);
  await phone.page.click('#logout-all-btn');
  await phone.page.waitForSelector('#auth:not([hidden])');
  await again.page.waitForSelector('#auth:not([hidden])', { timeout: 5000 });
  await again.context.close();
  await phone.context.close();
});
