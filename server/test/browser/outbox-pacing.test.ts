/**
 * Issue 13's acceptance for the outbox: with the server's default message limits (5 a second and a
 * burst of 20 per user), one person sends 60 messages from the composer as fast as a paste goes; a
 * second person receives all 60 once each, in order; the sender's page never shows a failed message,
 * is never refused for its rate, and its socket is never closed with 4429.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, openPage, submitAuth } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';
import type { Browser } from 'playwright-core';

/** The server's own defaults (the test helpers lift them for other files). */
const DEFAULT_MESSAGE_LIMITS = {
  RATE_LIMIT_MESSAGES_PER_SECOND: '5',
  RATE_LIMIT_MESSAGES_BURST: '20',
  RATE_LIMIT_MESSAGE_VIOLATIONS: '10',
  RATE_LIMIT_FRAMES_PER_SECOND: '20',
  RATE_LIMIT_FRAMES_BURST: '60',
  RATE_LIMIT_USER_FRAMES_PER_SECOND: '50',
  RATE_LIMIT_USER_FRAMES_BURST: '150',
  WS_MAX_QUEUED_FRAMES: '128',
};
const COUNT = 60;

let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;

beforeAll(async () => {
  ensureWebBuilt();
  server = await startServer({ env: DEFAULT_MESSAGE_LIMITS });
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
  await server?.close();
});

interface Watch {
  closes: number[];
  refusals: string[];
  sawFailed: boolean;
}

/**
 * Before any page script: every WebSocket's close code and every error frame it receives are kept,
 * and an observer raises a flag the moment any message in the page is shown as failed.
 */
async function watch(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __watch: Watch };
    w.__watch = { closes: [], refusals: [], sawFailed: false };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('close', (ev) => w.__watch.closes.push(ev.code));
        this.addEventListener('message', (ev: MessageEvent<string>) => {
          const frame = JSON.parse(ev.data) as { type: string; code?: string };
          if (frame.type === 'error') w.__watch.refusals.push(frame.code ?? '?');
        });
      }
    };
    const look = (): void => {
      if (document.querySelector('.outgoing[data-state="failed"], .outgoing.failed') !== null) {
        w.__watch.sawFailed = true;
      }
    };
    document.addEventListener('DOMContentLoaded', () => {
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  });
}

it('sends 60 pasted messages at the allowed pace: all delivered once, in order, none failed, no 4429', async () => {
  const observer = await connect(server.wsUrl, await newUser(server.url, 'watcher'));
  await observer.join();

  const { context, page } = await openPage(browser);
  await watch(page);
  await page.goto(server.url);
  await page.waitForSelector('#auth:not([hidden])');
  await submitAuth(page, uniqueName('paster'), GOOD_PASSWORD, 'register');
  await page.waitForSelector('#status[data-state="online"]');
  const me = await page.textContent('#me');

  const texts = Array.from({ length: COUNT }, (_, i) => `pasted line ${i + 1} of ${COUNT}`);
  for (const text of texts) {
    await page.fill('#composer', text);
    await page.press('#composer', 'Enter');
  }
  // Every one of them was taken from the composer at once; the outbox sends them at its pace.
  expect(await page.inputValue('#composer')).toBe('');

  const mine = () => observer.framesOf('message').filter((f) => f.message.user.username === me);
  await expect.poll(() => mine().length, { timeout: 90_000 }).toBe(COUNT);
  await expect.poll(() => page.locator('#messages .outgoing').count(), { timeout: 30_000 }).toBe(0);

  const received = mine().map((f) => f.message);
  expect(received.map((m) => m.text)).toEqual(texts); // once each, in the order written
  const seqs = received.map((m) => m.seq);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // stored in that order too

  const seen = await page.evaluate(() => (window as unknown as { __watch: Watch }).__watch);
  expect(seen.sawFailed).toBe(false);
  expect(seen.closes).not.toContain(4429);
  expect(seen.closes).toEqual([]); // the socket stayed up throughout
  expect(seen.refusals).toEqual([]); // the pacer kept under the limit: not one refusal
  await context.close();
  await observer.close();
});
