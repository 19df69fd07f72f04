/**
 * Produces the README screenshots (docs/screenshots/*.png): the login and chat screens, dark and
 * light, on a desktop (1280x800) and a phone (390x844). Reduced motion keeps the frames still.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage } from '../helpers/browser.js';
import { GOOD_PASSWORD, login, register } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
const THEMES = ['dark', 'light'] as const;

let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;
const clients: TestClient[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  mkdirSync(OUT, { recursive: true });
  server = await startServer();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await disposeBrowser?.();
  await server?.close();
});

const CONVERSATION: [who: 0 | 1 | 2, text: string][] = [
  [1, 'morning! the deploy went fine'],
  [0, '**nice.** did the migration run? quick check:\n```sql\nSELECT count(*) FROM messages WHERE seq > 1000;\n```'],
  [1, 'it did. and Euler is still happy: $e^{i\\pi}+1=0$'],
  [
    2,
    'the reconnect backoff, for the record:\n```ts\nexport function backoff(attempt: number): number {\n  const cap = Math.min(30_000, 500 * 2 ** attempt);\n  return cap / 2 + Math.random() * (cap / 2);\n}\n```',
  ],
  [1, '> never lose a message\nqueued while offline, sent once on reconnect'],
  [2, 'and the sum we argued about: $$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$'],
];

it('writes the login and chat screenshots for both themes and both sizes', async () => {
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const theme of THEMES) {
      const { context, page } = await openPage(browser, { viewport, colorScheme: theme });
      await page.goto(server.url);
      await page.waitForSelector('#auth:not([hidden])');
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: `${OUT}login-${theme}-${size}.png` });
      await context.close();
    }
  }

  // Fixed names (the database is this test's own), so the pictures read like a real room.
  const others = [];
  for (const name of ['grace_hopper', 'linus']) {
    await register(server.url, name);
    others.push(await login(server.url, name));
  }
  for (const session of others) {
    const client = await connect(server.wsUrl, session);
    await client.join();
    clients.push(client);
  }
  const me = await arrive(browser, server.url, 'ada_lovelace', GOOD_PASSWORD, 'register', {
    viewport: SIZES.desktop,
    colorScheme: 'dark',
  });
  for (const [index, [who, text]] of CONVERSATION.entries()) {
    if (who === 0) {
      await me.page.fill('#composer', text);
      await me.page.click('#send-btn');
      // Stored (it has a seq) before the next person speaks, so the room reads in this order even
      // when a busy machine delays the browser.
      await me.page.waitForSelector(`#messages .message[data-seq]:nth-child(${index + 1})`);
    } else await clients[who - 1]!.sendText(text);
  }
  await me.page.waitForSelector('#messages .message:nth-child(6) .katex');
  await me.page.waitForSelector('#online li:nth-child(3)');
  await me.page.fill('#composer', 'typing a reply with `code` and $x^2$…');
  await me.page.mouse.move(1, 1); // no hover highlight in the pictures
  expect(await me.page.$$('#messages .message')).toHaveLength(CONVERSATION.length);

  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const theme of THEMES) {
      await me.page.setViewportSize(viewport);
      await me.page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
      await expect.poll(() => me.page.getAttribute('html', 'data-theme')).toBe(theme);
      await me.page.evaluate(() => {
        const scroller = document.querySelector('#scroller')!;
        scroller.scrollTop = scroller.scrollHeight;
        return document.fonts.ready;
      });
      await me.page.screenshot({ path: `${OUT}chat-${theme}-${size}.png` });
    }
  }
  await me.context.close();
});
