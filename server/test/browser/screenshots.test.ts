/**
 * Produces the README screenshots (docs/screenshots/*.png): the login and chat screens, dark and
 * light, on a desktop (1280x800) and a phone (390x844) — the desktop ones show the rooms sidebar
 * with unread and mention badges — and the rooms drawer open on the phone, in both themes. The
 * chat shows a task list, an image shown as a link card, and the date between yesterday and today.
 * Reduced motion keeps the frames still.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, openPage } from '../helpers/browser.js';
import { GOOD_PASSWORD, login, register, request, type Session } from '../helpers/http.js';
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
/** The server's clock, moved back a day for the message said "yesterday". */
let shift = 0;
const clients: TestClient[] = [];
const sessions: Session[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  mkdirSync(OUT, { recursive: true });
  server = await startServer({ clock: { now: () => Date.now() - shift } });
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await disposeBrowser?.();
  await server?.close();
});

const CONVERSATION: [who: 0 | 1 | 2, text: string][] = [
  [1, 'morning! the deploy went fine, board: ![deploy board](https://status.example.org/board.png)'],
  [0, '**nice.** did the migration run? quick check:\n```sql\nSELECT count(*) FROM messages WHERE seq > 1000;\n```'],
  [1, 'it did. and Euler is still happy: $e^{i\\pi}+1=0$'],
  [
    2,
    'the reconnect backoff, for the record:\n```ts\nexport function backoff(attempt: number): number {\n  const cap = Math.min(30_000, 500 * 2 ** attempt);\n  return cap / 2 + Math.random() * (cap / 2);\n}\n```',
  ],
  [2, 'and the sum we argued about: $$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$'],
];

/** Said the day before, by Grace: a task list under yesterday's date. */
const YESTERDAY = 'release checklist for tomorrow:\n- [x] changelog\n- [ ] tag v2.3';

/** Rooms Ada is added to, each with what is said there while she looks at #general. */
const ROOMS: [owner: 0 | 1, name: string, visibility: 'public' | 'private', topic: string, said: string[]][] = [
  [
    0,
    'deploys',
    'public',
    'release train, one car at a time',
    ['v2.3 is on staging', '@ada_lovelace can you sign off the changelog?'],
  ],
  [
    1,
    'kernel',
    'private',
    'patches welcome',
    ['new scheduler numbers are in', 'p99 down 18%', 'bench script in the usual place'],
  ],
  [0, 'random', 'public', '', []],
];

it('writes the login, chat and rooms screenshots for both themes and both sizes', async () => {
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
  for (const name of ['grace_hopper', 'linus']) {
    await register(server.url, name);
    sessions.push(await login(server.url, name));
  }
  for (const session of sessions) {
    const client = await connect(server.wsUrl, session);
    await client.join();
    clients.push(client);
  }
  const me = await arrive(browser, server.url, 'ada_lovelace', GOOD_PASSWORD, 'register', {
    viewport: SIZES.desktop,
    colorScheme: 'dark',
  });
  shift = 24 * 60 * 60 * 1000;
  await clients[0]!.sendText(YESTERDAY);
  shift = 0;
  const stored = me.page.locator('#messages .message[data-seq]');
  for (const [index, [who, text]] of CONVERSATION.entries()) {
    if (who === 0) {
      await me.page.fill('#composer', text);
      await me.page.click('#send-btn');
      // Stored (it has a seq) before the next person speaks, so the room reads in this order even
      // when a busy machine delays the browser.
      await expect.poll(() => stored.count()).toBe(index + 2);
    } else await clients[who - 1]!.sendText(text);
  }
  await stored.nth(CONVERSATION.length).locator('.katex').waitFor();
  await me.page.waitForSelector('#messages .day-separator:has-text("Yesterday")');
  await me.page.waitForSelector('#messages .link-card');
  await me.page.waitForSelector('#online li:nth-child(3)');
  await replyAndReact(me.page);
  await roomsWithNews(me.page);
  await me.page.fill('#composer', 'typing a reply with `code` and $x^2$…');
  await me.page.mouse.move(1, 1); // no hover highlight in the pictures
  expect(await me.page.$$('#messages .message')).toHaveLength(CONVERSATION.length + 2);

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
  // The rooms drawer, open over the chat on the phone.
  for (const theme of THEMES) {
    await me.page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    await expect.poll(() => me.page.getAttribute('html', 'data-theme')).toBe(theme);
    await me.page.click('#rooms-toggle');
    await me.page.waitForSelector('#rooms-nav.open');
    await me.page.mouse.move(1, 1);
    await me.page.screenshot({ path: `${OUT}rooms-${theme}-phone.png` });
    await me.page.keyboard.press('Escape');
    await me.page.waitForSelector('#rooms-nav:not(.open)', { state: 'attached' });
  }
  await me.context.close();
});

/** Linus answers Ada's question, and her message collects reactions. */
async function replyAndReact(page: Page): Promise<void> {
  const [grace, linus] = clients as [TestClient, TestClient];
  const asked = await page.locator('#messages .message', { hasText: 'did the migration run' }).getAttribute('data-id');
  expect(asked).toBeTruthy();
  linus.send({
    type: 'send',
    room: 'general',
    text: 'ran at 09:12, no locks held',
    clientMsgId: 'reply-1',
    replyTo: asked!,
  });
  await page.waitForSelector('#messages .message .quote');
  for (const [client, emoji] of [
    [grace, '🎉'],
    [linus, '🎉'],
    [grace, '👍'],
  ] as const) {
    client.send({ type: 'react', room: 'general', messageId: asked!, emoji });
  }
  await page.waitForSelector('#messages .reaction[data-emoji="👍"]');
  await expect.poll(() => page.textContent('#messages .reaction[data-emoji="🎉"]')).toBe('🎉2');
}

/** Rooms and a DM Ada is added to, with news she has not read: a mention, messages, a DM. */
async function roomsWithNews(page: Page): Promise<void> {
  const api = <T>(who: Session, path: string, body: unknown) =>
    request<T>(`${server.url}/api/v1${path}`, { token: who.accessToken, cookie: who.cookie, body });
  for (const [owner, name, visibility, topic, said] of ROOMS) {
    const who = sessions[owner]!;
    expect((await api(who, '/rooms', { name, visibility, ...(topic ? { topic } : {}) })).status).toBe(201);
    expect((await api(who, `/rooms/${name}/members`, { username: 'ada_lovelace' })).status).toBe(200);
    await page.waitForSelector(`#rooms-nav .room-link[data-room="${name}"]`);
    await clients[owner]!.join(name);
    for (const text of said) await clients[owner]!.sendText(text, name);
  }
  const dm = await api<{ room: { name: string } }>(sessions[0]!, '/dms', { username: 'ada_lovelace' });
  const dmRoom = dm.body.room.name;
  await page.waitForSelector(`#dm-list .room-link[data-room="${dmRoom}"]`);
  await clients[0]!.join(dmRoom);
  await clients[0]!.sendText('lunch after the release?', dmRoom);
  await page.waitForSelector('#rooms-nav .room-link[data-room="deploys"] .badge.mention');
  await expect.poll(() => page.textContent('#rooms-nav .room-link[data-room="kernel"] .badge.unread')).toBe('3');
  await page.waitForSelector(`#dm-list .room-link[data-room="${dmRoom}"] .badge.unread`);
}
