/**
 * Reconnecting as a person would want it: the server is shut down (every socket closed with 1001)
 * and started again on the same port and database, in this process, so the test chooses the
 * moment it comes back: in the middle of a long wait. While it is away the status counts down and
 * the online list says it is only the last one known; once the server listens again, a visible
 * page is back within a second (here: within 3 s, a ceiling for a loaded machine, and before its
 * countdown would have ended; web/test/connection.test.ts proves the second) and a message goes
 * through. And "retry now" reconnects at once, without waiting out the countdown.
 * (restart.test.ts kills and restarts the real process: nothing typed is lost.)
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage, sendViaUi, shownMessages } from '../helpers/browser.js';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import {
  countdownValues,
  installAttentionHooks,
  sawCountdown,
  setBackground,
  statusLog,
} from '../helpers/page-attention.js';
import { startServer, tempDir, type TestServer } from '../helpers/server.js';

/** Back online after the server listens again: the goal is 1 s; this allows for a loaded machine. */
const BACK_WITHIN_MS = 3_000;
/** How long a page may take to show the countdown going down (its backoff reaches whole seconds). */
const COUNTDOWN_CEILING_MS = 60_000;

let browser: Browser;
let disposeBrowser: () => Promise<void>;
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
  await disposeBrowser?.();
});

/** Registers through the UI, with the attention hooks installed before the app loads. */
async function arriveWatched(url: string, prefix: string) {
  const { context, page } = await openPage(browser);
  await installAttentionHooks(page);
  const username = uniqueName(prefix);
  await page.goto(url);
  await page.waitForSelector('#auth:not([hidden])');
  await page.fill('#username', username);
  await page.fill('#password', GOOD_PASSWORD);
  await page.click('#register-btn');
  await page.waitForSelector('#status[data-state="online"]');
  return { context, page, username };
}

/** The seconds the status says are left before the next attempt (0 when it is not waiting). */
async function secondsLeft(page: Page): Promise<number> {
  return Number(/in (\d+)s/.exec((await page.textContent('#status')) ?? '')?.[1] ?? 0);
}

/** When the page itself saw the status turn online, after `since` (page clock = this machine's clock). */
async function onlineAt(page: Page, since: number): Promise<number> {
  await page.waitForSelector('#status[data-state="online"]');
  const entry = (await statusLog(page)).find((e) => e.at >= since && e.state === 'online');
  if (entry === undefined) throw new Error('the status log has no "online" after the restart');
  return entry.at;
}

it('server stopped and started: the status counts down, the list goes stale, and the page is back within a second', async () => {
  const dataDir = tempDir('parley-reconnect-');
  cleanups.push(() => dataDir.remove());
  const env = { JWT_SECRET: randomBytes(48).toString('base64url') };
  let server: TestServer | undefined = await startServer({ dataDir: dataDir.path, env });
  cleanups.push(() => server?.close());
  const url = server.url;
  const port = Number(new URL(url).port);
  const ann = await arriveWatched(url, 'ann');
  const ben = await arrive(browser, url, uniqueName('ben'), GOOD_PASSWORD);
  cleanups.push(
    () => ann.context.close(),
    () => ben.context.close(),
  );
  await ann.page.waitForSelector(`#online li[data-username="${ben.username}"]`);
  expect(await ann.page.textContent('#online-label')).toBe('online');

  const stoppedAt = Date.now();
  await server.close(); // the real shutdown: every socket closed with 1001
  server = undefined;
  await ann.page.waitForSelector('#status[data-state="offline"]');

  // Offline: nobody is known to be present; the last list stays, marked as such.
  await ann.page.waitForSelector('#online.stale[data-stale="true"]');
  expect(await ann.page.textContent('#online-label')).toBe('offline — last known');
  expect(await ann.page.locator(`#online li[data-username="${ben.username}"]`).count()).toBe(1);

  // The countdown goes down second by second, and "retry now" is offered.
  await expect.poll(async () => sawCountdown(await statusLog(ann.page)), { timeout: COUNTDOWN_CEILING_MS }).toBe(true);
  expect(new Set(countdownValues(await statusLog(ann.page))).size).toBeGreaterThanOrEqual(2);
  expect(await ann.page.isVisible('#retry-now')).toBe(true);
  expect(await ann.page.textContent('#status')).toMatch(/^(server restarting|connection lost) — retrying in \d+s$/);

  // Come back in the middle of a long wait, so that waiting it out could not pass for being quick.
  await expect.poll(async () => secondsLeft(ann.page), { timeout: COUNTDOWN_CEILING_MS }).toBeGreaterThanOrEqual(12);
  server = await startServer({ dataDir: dataDir.path, env, port });
  const listening = Date.now();
  const left = await secondsLeft(ann.page);
  expect(left, 'the page should still be waiting when the server listens').toBeGreaterThanOrEqual(7);
  const back = await onlineAt(ann.page, stoppedAt);
  expect(back - listening).toBeLessThanOrEqual(Math.min(BACK_WITHIN_MS, (left - 1) * 1000));
  expect(await ann.page.isHidden('#retry-now')).toBe(true);

  // Live again: a message goes through, and the list is live once a fresh one arrived.
  await ben.page.waitForSelector('#status[data-state="online"]');
  await sendViaUi(ann.page, 'back again');
  await expect.poll(async () => (await shownMessages(ben.page)).map((m) => m.text)).toContain('back again');
  await ann.page.waitForSelector('#online[data-stale="false"]');
  expect(await ann.page.textContent('#online-label')).toBe('online');
  await ann.page.waitForSelector(`#online li[data-username="${ben.username}"]`);
}, 180_000);

it('retry now: reconnects at once instead of waiting out the countdown', async () => {
  const dataDir = tempDir('parley-retry-now-');
  cleanups.push(() => dataDir.remove());
  const env = { JWT_SECRET: randomBytes(48).toString('base64url') };
  let server: TestServer | undefined = await startServer({ dataDir: dataDir.path, env });
  cleanups.push(() => server?.close());
  const port = Number(new URL(server.url).port);
  const ann = await arriveWatched(server.url, 'ann');
  cleanups.push(() => ann.context.close());

  // In the background the page does not probe: only its countdown (or the person) brings it back.
  await setBackground(ann.page, true, false);
  await server.close();
  server = undefined;
  // Wait for a long wait (the backoff has grown past ten seconds), so a loaded machine has slack.
  await expect.poll(async () => secondsLeft(ann.page), { timeout: COUNTDOWN_CEILING_MS }).toBeGreaterThanOrEqual(10);
  server = await startServer({ dataDir: dataDir.path, env, port });

  const left = await secondsLeft(ann.page);
  expect(left, 'the page should still be waiting when the server is back').toBeGreaterThanOrEqual(6);
  // By keyboard, as anyone can: focus the button, press Enter.
  await ann.page.focus('#retry-now');
  const pressedAt = await ann.page.evaluate(() => Date.now());
  await ann.page.keyboard.press('Enter');
  const back = await onlineAt(ann.page, pressedAt);
  // Well before the countdown would have ended.
  expect(back - pressedAt).toBeLessThan((left - 1) * 1000);
  expect(back - pressedAt).toBeLessThanOrEqual(BACK_WITHIN_MS);
}, 180_000);
