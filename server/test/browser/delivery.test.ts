/**
 * The chat from the keyboard alone, the typing indicator, screen-reader announcements, a message
 * the server refuses (failed, with a retry), and the flicker switched off for reduced motion.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;

beforeAll(async () => {
  ensureWebBuilt();
  server = await startServer({ env: { MESSAGE_MAX_CHARS: '60' } });
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
  await server?.close();
});

/**
 * Registers with the keyboard only: the username field has focus, Tab moves, Enter presses. Its
 * socket plays an older server that does not say its limits in `ready`, so the page checks against
 * the defaults (4000) and the server's 60 is what refuses a long message.
 */
async function arriveByKeyboard(): Promise<Person> {
  const { context, page, dialogs } = await openPage(browser);
  await page.routeWebSocket(/\/api\/v1\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    upstream.onMessage((data) => {
      if (typeof data !== 'string' || !data.startsWith('{"type":"ready"')) return ws.send(data);
      const { limits: _limits, ...ready } = JSON.parse(data) as Record<string, unknown>;
      ws.send(JSON.stringify(ready));
    });
  });
  const username = uniqueName('kbd');
  await page.goto(server.url);
  await page.waitForSelector('#auth:not([hidden])');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(GOOD_PASSWORD);
  await page.keyboard.press('Tab'); // log in
  await page.keyboard.press('Tab'); // register
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('register-btn');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#status[data-state="online"]');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer');
  return { context, page, username, dialogs };
}

it('works from the keyboard, shows who is typing and announces new messages to screen readers', async () => {
  const ann = await arriveByKeyboard();
  const ben = await arrive(browser, server.url, uniqueName('ben'), GOOD_PASSWORD);

  await ann.page.keyboard.type('hello ben, **loud**');
  await expect.poll(() => ben.page.textContent('#typing')).toBe(`${ann.username} is typing…`);
  await ann.page.keyboard.press('Enter');
  await ben.page.waitForSelector('#messages .message .body strong:has-text("loud")');
  await expect.poll(() => ben.page.textContent('#announcer')).toContain(`${ann.username}: hello ben, **loud**`);
  await expect.poll(() => ben.page.textContent('#typing')).toBe('');
  expect(await ben.page.getAttribute('#announcer', 'aria-live')).toBe('polite');
  // My own message is not read back to me, and it shows as sent.
  expect(await ann.page.textContent('#announcer')).toBe('');
  await ann.page.waitForSelector('#messages .message.mine .send-state.sent');

  // The server refuses it (limit 60 here): failed, with a retry that sends the same message again.
  await ann.page.keyboard.type(`too long ${'x'.repeat(80)}`);
  await ann.page.keyboard.press('Enter');
  const failed = ann.page.locator('#messages .outgoing[data-state="failed"]');
  await failed.waitFor();
  await expect.poll(() => ann.page.textContent('#notice')).toMatch(/at most 60 characters/);
  const frames: string[] = [];
  const cdp = await ann.context.newCDPSession(ann.page);
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameSent', (event: { response: { payloadData: string } }) =>
    frames.push(event.response.payloadData),
  );
  const id = await failed.getAttribute('data-client-msg-id');
  await failed.locator('button.retry').focus();
  await ann.page.keyboard.press('Enter');
  await expect.poll(() => frames.filter((f) => f.includes(`"clientMsgId":"${id}"`)).length).toBe(1);
  await ann.page.locator(`#messages .outgoing[data-state="failed"][data-client-msg-id="${id}"]`).waitFor();
  expect(await ben.page.locator('#messages .message', { hasText: 'too long' }).count()).toBe(0);
  await ann.context.close();
  await ben.context.close();
});

it('turns the flicker off for reduced motion', async () => {
  const animation = async (reducedMotion: 'reduce' | 'no-preference'): Promise<string> => {
    const { context, page } = await openPage(browser, { reducedMotion });
    await page.goto(server.url);
    await page.waitForSelector('#auth:not([hidden])');
    const name = await page.evaluate(() => getComputedStyle(document.body, '::before').animationName);
    await context.close();
    return name;
  };
  expect(await animation('no-preference')).toBe('flicker');
  expect(await animation('reduce')).toBe('none');
});
