/**
 * "My account" and the profile card, in the browser as people use them: a password changed from the
 * account page (the new one logs in, the old one does not, my other session is signed out, this tab
 * goes on working); a wrong current password said plainly and changing nothing; a person's card from
 * an author's name, the online list and the members dialog, whose "message" opens our DM.
 */
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { arrive, openPage, sendViaUi, submitAuth, useServerAndBrowser } from '../helpers/browser.js';
import { GOOD_PASSWORD, login, request, uniqueName } from '../helpers/http.js';
import { type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

const NEW_PASSWORD = 'copper-heron-glacier-77';
const THIS_YEAR = String(new Date().getFullYear());

/** Fills the change-password form and submits it with Enter, as a keyboard user would. */
async function changePassword(page: Page, current: string, next: string, again = next): Promise<void> {
  await page.fill('#password-current', current);
  await page.fill('#password-new', next);
  await page.fill('#password-confirm', again);
  await page.press('#password-confirm', 'Enter');
}

/** Does a login with this password succeed, over the API? */
async function canLogIn(username: string, password: string): Promise<boolean> {
  const answer = await request(`${server.url}/api/v1/auth/login`, { body: { username, password } });
  return answer.status === 200;
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

it('changes my password from the account page: a wrong current one changes nothing, the new one logs in, the old one not', async () => {
  const username = uniqueName('pia');
  const pia = await arrive(browser, server.url, username, GOOD_PASSWORD);
  const phone = await login(server.url, username); // another session, to be signed out

  await pia.page.click('#account-btn');
  await pia.page.waitForSelector('#account-dialog[open]');
  expect(await pia.page.textContent('#account-username')).toBe(username);
  await pia.page.waitForSelector('#account-joined:not([aria-busy])');
  expect(await pia.page.textContent('#account-joined')).toContain(THIS_YEAR);
  expect(await pia.page.getAttribute('#password-current', 'autocomplete')).toBe('current-password');
  expect(await pia.page.getAttribute('#password-new', 'autocomplete')).toBe('new-password');
  expect(await pia.page.getAttribute('#password-confirm', 'autocomplete')).toBe('new-password');

  // Two new passwords that differ are caught before anything is sent.
  await changePassword(pia.page, GOOD_PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}x`);
  await pia.page.waitForSelector('#password-error:not([hidden])');
  expect(await pia.page.textContent('#password-error')).toMatch(/not the same/i);
  expect(await pia.page.getAttribute('#password-confirm', 'aria-invalid')).toBe('true');

  // A wrong current password: said in plain words, the field marked and focused, nothing changed.
  await changePassword(pia.page, 'not-my-password-at-all', NEW_PASSWORD);
  await expect.poll(() => pia.page.textContent('#password-error')).toMatch(/current password is not correct/i);
  expect(await pia.page.isVisible('#password-error')).toBe(true);
  expect(await pia.page.getAttribute('#password-current', 'aria-invalid')).toBe('true');
  expect(await focusedId(pia.page)).toBe('password-current');
  expect(await pia.page.textContent('#password-done')).toBe('');
  expect(await canLogIn(username, GOOD_PASSWORD)).toBe(true);
  expect(await canLogIn(username, NEW_PASSWORD)).toBe(false);
  expect((await request(`${server.url}/api/v1/me`, { token: phone.accessToken, cookie: phone.cookie })).status).toBe(
    200,
  );

  // The right one: done, with what happened to my other sessions; the fields are emptied.
  expect(await pia.page.isChecked('#password-logout-others')).toBe(true);
  await changePassword(pia.page, GOOD_PASSWORD, NEW_PASSWORD);
  await expect.poll(() => pia.page.textContent('#password-done')).toMatch(/password changed/i);
  expect(await pia.page.textContent('#password-done')).toMatch(/other sessions were signed out/i);
  expect(await pia.page.isHidden('#password-error')).toBe(true);
  expect(await pia.page.inputValue('#password-new')).toBe('');
  expect(await pia.page.getAttribute('#password-current', 'aria-invalid')).toBeNull();
  const other = await request(`${server.url}/api/v1/me`, { token: phone.accessToken, cookie: phone.cookie });
  expect(other.status).toBe(401);

  // This tab keeps its session: still online, a message goes through, and a reload stays logged in.
  await pia.page.keyboard.press('Escape');
  await pia.page.waitForSelector('#account-dialog:not([open])', { state: 'attached' });
  expect(await focusedId(pia.page)).toBe('account-btn');
  expect(await pia.page.getAttribute('#status', 'data-state')).toBe('online');
  await sendViaUi(pia.page, 'still here after the change');
  await pia.page.waitForSelector('#messages .message[data-seq]:has-text("still here after the change")');
  await pia.page.reload();
  await pia.page.waitForSelector('#status[data-state="online"]');

  // In a fresh browser: the new password logs in, the old one is refused.
  const fresh = await openPage(browser);
  await fresh.page.goto(server.url);
  await fresh.page.waitForSelector('#auth:not([hidden])');
  await submitAuth(fresh.page, username, GOOD_PASSWORD, 'login');
  await expect.poll(() => fresh.page.textContent('#auth-error')).toMatch(/wrong username or password/i);
  await submitAuth(fresh.page, username, NEW_PASSWORD, 'login');
  await fresh.page.waitForSelector('#status[data-state="online"]');
  await fresh.context.close();
  await pia.context.close();
});

it('a name opens its card (joined date, "message"): from an author, the online list and the members dialog', async () => {
  const ada = await arrive(browser, server.url, uniqueName('ada'), GOOD_PASSWORD);
  const bo = await arrive(browser, server.url, uniqueName('bo'), GOOD_PASSWORD);
  await ada.page.waitForSelector(`#online li[data-username="${bo.username}"]`);
  await sendViaUi(bo.page, 'hello from bo');
  const author = ada.page.locator('#messages .message', { hasText: 'hello from bo' }).locator('.author');
  await author.waitFor();

  // From the author's name: name in colour, the day they joined, "message"; Escape gives focus back.
  await author.click();
  await ada.page.waitForSelector('#profile-card[open]');
  expect(await ada.page.textContent('#profile-name')).toBe(bo.username);
  expect(await ada.page.getAttribute('#profile-name', 'data-user-color')).toMatch(/^#[0-9a-f]{6}$/i);
  await expect.poll(() => ada.page.textContent('#profile-joined')).toContain(`joined`);
  expect(await ada.page.textContent('#profile-joined')).toContain(THIS_YEAR);
  expect(await ada.page.isVisible('#profile-message')).toBe(true);
  expect(await ada.page.isHidden('#profile-account')).toBe(true);
  expect(await focusedId(ada.page)).toBe('profile-message');
  await ada.page.keyboard.press('Escape');
  await ada.page.waitForSelector('#profile-card:not([open])', { state: 'attached' });
  expect(await author.evaluate((node) => node === document.activeElement)).toBe(true);

  // From the online list; a click outside the card closes it, focus back on the name.
  const inList = ada.page.locator(`#online li[data-username="${bo.username}"] button`);
  await inList.click();
  await ada.page.waitForSelector('#profile-card[open]');
  expect(await ada.page.textContent('#profile-name')).toBe(bo.username);
  await ada.page.mouse.click(5, 790);
  await ada.page.waitForSelector('#profile-card:not([open])', { state: 'attached' });
  expect(await inList.evaluate((node) => node === document.activeElement)).toBe(true);

  // From the members dialog, over it: my own card has no "message"; Bo's "message" opens our DM.
  await ada.page.click('#members-btn');
  await ada.page.waitForSelector(`#members-dialog[open] #members-list li[data-username="${bo.username}"]`);
  await ada.page.click(`#members-list li[data-username="${ada.username}"] button.user-link`);
  await ada.page.waitForSelector('#profile-card[open]');
  expect(await ada.page.isHidden('#profile-message')).toBe(true);
  expect(await ada.page.isVisible('#profile-account')).toBe(true);
  await expect.poll(() => ada.page.textContent('#profile-joined')).toMatch(/this is you/);
  await ada.page.keyboard.press('Escape');
  await ada.page.waitForSelector('#profile-card:not([open])', { state: 'attached' });
  expect(await ada.page.evaluate(() => document.querySelector('#members-dialog')?.hasAttribute('open'))).toBe(true);
  await ada.page.click(`#members-list li[data-username="${bo.username}"] button.user-link`);
  await ada.page.waitForSelector('#profile-card[open]');
  await ada.page.click('#profile-message');
  await expect.poll(() => ada.page.textContent('#room-title')).toBe(`@${bo.username}`);
  await ada.page.waitForSelector('#profile-card:not([open])', { state: 'attached' });
  await ada.page.waitForSelector('#members-dialog:not([open])', { state: 'attached' });
  expect(await focusedId(ada.page)).toBe('composer');
  await sendViaUi(ada.page, 'just us now');
  await bo.page.waitForSelector(`#dm-list .room-link:has-text("@${ada.username}")`);

  expect(ada.dialogs).toEqual([]);
  await ada.context.close();
  await bo.context.close();
});
