import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { arrive, openPage, submitAuth, useServerAndBrowser } from '../helpers/browser.js';
import { GOOD_PASSWORD, request, uniqueName } from '../helpers/http.js';
import { type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

it('refuses a username that is not [A-Za-z0-9_], in the UI and over HTTP', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url);
  await page.waitForSelector('#auth:not([hidden])');
  await submitAuth(page, '<img src=x>', GOOD_PASSWORD, 'register');
  const error = await page.waitForSelector('#auth-error:not([hidden])');
  expect(await error.textContent()).toMatch(/letters, digits and underscore/);
  expect(await page.isHidden('#chat')).toBe(true);
  expect(await page.$$('#auth-error img')).toHaveLength(0);

  const answer = await request<{ error: { code: string } }>(`${server.url}/api/v1/auth/register`, {
    body: { username: '<img src=x>', password: GOOD_PASSWORD },
  });
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('INVALID_USERNAME');
  await context.close();
});

it('registers, stays logged in across a reload without readable tokens, logs out, and the old token is dead', async () => {
  const username = uniqueName('ada');
  const person = await arrive(browser, server.url, username, GOOD_PASSWORD);
  const { page, context } = person;
  const tokens: string[] = [];
  page.on('response', (response) => {
    if (/\/api\/v1\/auth\/(login|refresh)$/.test(response.url()) && response.status() === 200) {
      void response.json().then((body: { accessToken: string }) => tokens.push(body.accessToken));
    }
  });
  expect(await page.textContent('#me')).toBe(username);

  // The theme is a choice that survives reloads (and logout); tokens are never in storage.
  await page.click('#chat [data-theme-toggle]');
  await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe('light');

  await page.reload();
  await page.waitForSelector('#chat:not([hidden])');
  await page.waitForSelector('#status[data-state="online"]');
  expect(await page.textContent('#me')).toBe(username);
  expect(await page.getAttribute('html', 'data-theme')).toBe('light');
  await expect.poll(() => tokens.length).toBeGreaterThan(0);
  const token = tokens.at(-1)!;
  const readable = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookie: document.cookie,
  }));
  for (const place of Object.values(readable)) expect(place).not.toContain(token);
  expect(readable.cookie).toBe(''); // both cookies are HttpOnly

  // The token works now (with the device cookie), so its death later is the logout's doing.
  const fingerprint = (await context.cookies()).find((c) => c.name === 'parley_fp');
  expect(fingerprint).toBeDefined();
  const cookie = `parley_fp=${fingerprint!.value}`;
  expect((await request(`${server.url}/api/v1/me`, { token, cookie })).status).toBe(200);

  await page.click('#logout-btn');
  await page.waitForSelector('#auth:not([hidden])');
  expect(await page.isHidden('#chat')).toBe(true);
  const after = await request<{ error: { code: string } }>(`${server.url}/api/v1/me`, { token, cookie });
  expect(after.status).toBe(401);

  // A reload after logout stays on the login screen, and the theme choice is still there.
  await page.reload();
  await page.waitForSelector('#auth:not([hidden])');
  expect(await page.isHidden('#chat')).toBe(true);
  expect(await page.getAttribute('html', 'data-theme')).toBe('light');

  // Logging in again through the form works.
  await submitAuth(page, username, GOOD_PASSWORD, 'login');
  await page.waitForSelector('#status[data-state="online"]');
  await context.close();
});
