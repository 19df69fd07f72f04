/**
 * The web client keeps its socket across access-token expiries: every refresh it schedules ahead of
 * expiry hands the new token to the open socket (`renew`), so the server, which closes a socket with
 * 4401 when its token lapses, keeps it open. With an 8 s token the page crosses three expiries with
 * the one WebSocket it opened, its status never leaves "online", and it can still send, all under the
 * default refresh and read limits.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, openPage, sendViaUi, shownMessages } from '../helpers/browser.js';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import { installAttentionHooks, statusLog } from '../helpers/page-attention.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';

/** Short enough to see three expiries, long enough for the client's 5 s minimum refresh delay. */
const TTL_S = 8;

let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;
beforeAll(async () => {
  ensureWebBuilt();
  server = await startServer({
    overrides: { accessTokenTtlSeconds: TTL_S },
    // The refresh and read limits at their defaults: the web client never meets them.
    env: {
      RATE_LIMIT_REFRESH_IP_PER_MINUTE: '120',
      RATE_LIMIT_REFRESH_SESSION_PER_MINUTE: '30',
      RATE_LIMIT_READS_PER_USER_PER_MINUTE: '600',
    },
  });
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
  await server?.close();
});

it('stays online across three token expiries on one WebSocket, renewing it, and can still send', async () => {
  const { context, page } = await openPage(browser);
  await installAttentionHooks(page);
  const opened: string[] = [];
  const renewedUntil: number[] = [];
  const closes: string[] = [];
  page.on('websocket', (ws) => {
    opened.push(ws.url());
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('"renewed"')) return;
      renewedUntil.push(Date.parse((JSON.parse(payload) as { expiresAt: string }).expiresAt));
    });
    ws.on('close', () => closes.push(ws.url()));
  });
  try {
    await page.goto(server.url);
    await page.waitForSelector('#auth:not([hidden])');
    await page.fill('#username', uniqueName('renew'));
    await page.fill('#password', GOOD_PASSWORD);
    await page.click('#register-btn');
    await page.waitForSelector('#status[data-state="online"]');
    const onlineSince = Date.now();

    // Three renewals, then past the expiry of the token the second one carried: the socket has
    // outlived the first token and the two after it.
    await waitUntil(() => renewedUntil.length >= 3, 'three renewals', { ceilingMs: 4 * TTL_S * 1000 + 30_000 });
    await waitUntil(() => Date.now() > renewedUntil[1]! + 300, 'past the third expiry', { ceilingMs: TTL_S * 1000 });
    expect(Date.now() - onlineSince).toBeGreaterThan(2 * TTL_S * 1000);

    expect(opened).toHaveLength(1);
    expect(closes).toHaveLength(0);
    const afterOnline = (await statusLog(page)).filter((entry) => entry.at >= onlineSince);
    expect(afterOnline.filter((entry) => entry.state !== 'online')).toEqual([]);

    await sendViaUi(page, 'still here after three expiries');
    await waitUntil(
      async () => (await shownMessages(page)).some((m) => m.text === 'still here after three expiries' && m.seq > 0),
      'the message stored and shown',
      { ceilingMs: 30_000 },
    );
    expect(opened).toHaveLength(1);
  } finally {
    await context.close();
  }
}, 120_000);
