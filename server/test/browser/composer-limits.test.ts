/**
 * The composer takes exactly what the server takes (one shared count, protocol/message-text.ts):
 * 2,100 emoji go out and arrive; limit + 1 code points of combining marks are refused in the page
 * with a clear notice and never sent; exactly the limit goes, and that success clears the notice.
 * A login lock-out says how long to wait.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage, sendViaUi, submitAuth } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, register, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

let browser: Browser;
let disposeBrowser: () => Promise<void>;

beforeAll(async () => {
  ensureWebBuilt();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
});

/** Every `send` frame the page puts on its WebSocket, as sent. */
async function recordSends(page: Page): Promise<string[]> {
  const frames: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameSent', (event: { response: { payloadData: string } }) => {
    if (event.response.payloadData.startsWith('{"type":"send"')) frames.push(event.response.payloadData);
  });
  return frames;
}

describe('message length', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('sends 2,100 emoji, refuses 4,001 code points of combining marks unsent, and takes exactly 4,000', async () => {
    const observer = await connect(server.wsUrl, await newUser(server.url, 'reader'));
    await observer.join();
    const ann = await arrive(browser, server.url, uniqueName('ann'), GOOD_PASSWORD);
    const sends = await recordSends(ann.page);
    const delivered = (text: string) =>
      observer.framesOf('message').filter((f) => f.message.user.username === ann.username && f.message.text === text)
        .length;

    // 2,100 emoji: 4,200 UTF-16 units, 2,100 characters — under the limit on both sides.
    const emoji = '😀'.repeat(2100);
    await sendViaUi(ann.page, emoji);
    await expect.poll(() => delivered(emoji)).toBe(1);
    await expect.poll(() => ann.page.locator('#messages .outgoing').count()).toBe(0);
    expect(await ann.page.isHidden('#notice')).toBe(true);

    // 4,001 code points ('é' as e + U+0301, 2,000 times, and one more e): refused here, not sent.
    const over = `${'e\u0301'.repeat(2000)}e`;
    const before = sends.length;
    await sendViaUi(ann.page, over);
    await expect
      .poll(() => ann.page.textContent('#notice'))
      .toBe('Messages are at most 4000 characters (this one has 4001).');
    expect(await ann.page.isVisible('#notice')).toBe(true);
    expect(await ann.page.inputValue('#composer')).toBe(over); // kept, to shorten
    expect(await ann.page.locator('#messages .outgoing').count()).toBe(0);

    // Exactly 4,000: sent, delivered, and its success clears the notice at once.
    const atLimit = 'e\u0301'.repeat(2000);
    await sendViaUi(ann.page, atLimit);
    await expect.poll(() => delivered(atLimit)).toBe(1);
    await expect.poll(() => ann.page.isHidden('#notice')).toBe(true);
    // The refused text never went on the wire; the two others went once each.
    const sent = sends.slice(before).map((f) => (JSON.parse(f) as { text: string }).text);
    expect(sent).toEqual([atLimit]);
    expect(delivered(over)).toBe(0);

    await ann.context.close();
    await observer.close();
  });

  it('holds an edit to the same rule: refused in the page, the message unchanged', async () => {
    const ann = await arrive(browser, server.url, uniqueName('ann'), GOOD_PASSWORD);
    await sendViaUi(ann.page, 'short and sweet');
    await ann.page.waitForSelector('#messages .message.mine .body:has-text("short and sweet")');
    await ann.page.press('#composer', 'ArrowUp'); // edit my last message
    await expect.poll(() => ann.page.inputValue('#composer')).toBe('short and sweet');
    await ann.page.fill('#composer', `${'🇫🇷'.repeat(2000)}!`); // 4,001 code points, 8,002 units
    await ann.page.press('#composer', 'Enter');
    await expect.poll(() => ann.page.textContent('#notice')).toMatch(/at most 4000 characters \(this one has 4001\)/);
    expect(await ann.page.textContent('#messages .message.mine .body')).toContain('short and sweet');
    await ann.context.close();
  });
});

describe('login lock-out', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Two failed logins an hour from one address; the third is refused for the rest of the hour.
    server = await startServer({ env: { RATE_LIMIT_LOGIN_IP_PER_HOUR: '2' } });
  });
  afterAll(() => server?.close());

  it('says how long to wait, in minutes', async () => {
    const username = uniqueName('locked');
    await register(server.url, username);
    const { context, page } = await openPage(browser);
    await page.goto(server.url);
    await page.waitForSelector('#auth:not([hidden])');
    for (let i = 0; i < 2; i++) {
      await submitAuth(page, username, 'not-the-password', 'login');
      await expect.poll(() => page.textContent('#auth-error')).not.toMatch(/^$|Too many/);
      await page.waitForSelector('#auth-form:not([aria-busy])');
    }
    await submitAuth(page, username, GOOD_PASSWORD, 'login');
    await expect.poll(() => page.textContent('#auth-error')).toMatch(/^Too many attempts — try again in 60 min\.$/);
    expect(await page.isVisible('#auth-error')).toBe(true);
    await context.close();
  });
});
