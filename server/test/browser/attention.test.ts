/**
 * Attention in a real browser: the unread count in the tab's title and on its favicon (a badge
 * drawn on a canvas, a `data:` PNG the CSP allows, and back when read), and desktop notifications
 * for a mention and a DM in a background tab — with Chromium's notification permission granted to
 * the page, none for a plain message in a room left at "mentions", and never a permission request
 * on load: only when the person turns notifications on.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, useServerAndBrowser } from '../helpers/browser.js';
import { restAs, roomName } from '../helpers/conversations.js';
import { GOOD_PASSWORD, newUser, uniqueName, type Session } from '../helpers/http.js';
import {
  clickLatestNotification,
  installAttentionHooks,
  notifications,
  permissionRequests,
  setBackground,
} from '../helpers/page-attention.js';
import type { TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

interface Watched {
  context: BrowserContext;
  page: Page;
  username: string;
  /** Console errors and uncaught exceptions: a favicon refused by the CSP would show here. */
  errors: string[];
}

async function arriveWatched(permission: boolean): Promise<Watched> {
  const { context, page } = await openPage(browser);
  if (permission) await context.grantPermissions(['notifications'], { origin: server.url });
  await installAttentionHooks(page);
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  const username = uniqueName('bob');
  await page.goto(server.url);
  await page.waitForSelector('#auth:not([hidden])');
  await page.fill('#username', username);
  await page.fill('#password', GOOD_PASSWORD);
  await page.click('#register-btn');
  await page.waitForSelector('#status[data-state="online"]');
  await page.waitForFunction(() => document.title === '#general — Parley');
  // The restore attempt before login answers 401 by design; what counts is what follows.
  errors.length = 0;
  return { context, page, username, errors };
}

const favicon = (page: Page) => page.getAttribute('link[rel="icon"]', 'href');
const title = (page: Page) => page.evaluate(() => document.title);

let bob: Watched;
let alice: Session;
let aliceWs: TestClient;

beforeAll(async () => {
  bob = await arriveWatched(true);
  alice = await newUser(server.url, 'alice');
  aliceWs = await connect(server.wsUrl, alice);
  await aliceWs.join('general');
});
afterAll(async () => {
  await aliceWs?.close();
  await bob?.context.close();
});

describe('the unread count', () => {
  it('shows in the title and on the favicon, and goes when read', async () => {
    const side = roomName('side');
    const rest = restAs(server.url, alice);
    await rest.createRoom(side);
    await rest.invite(side, bob.username);
    await bob.page.waitForSelector(`#room-list [data-room="${side}"]`);
    expect(await favicon(bob.page)).toBe('/favicon.svg');

    await aliceWs.join(side);
    for (const text of ['one', 'two', 'three']) await aliceWs.sendText(text, side);
    await bob.page.waitForFunction(() => document.title === '(3) #general — Parley');
    await bob.page.waitForFunction(() =>
      document.querySelector('link[rel="icon"]')?.getAttribute('href')?.startsWith('data:image/png;base64,'),
    );
    expect(await bob.page.getAttribute('link[rel="icon"]', 'type')).toBe('image/png');

    // Reading the room clears it: open it, come back, and the count and the badge are gone.
    await bob.page.click(`#room-list [data-room="${side}"]`);
    await bob.page.waitForFunction((name) => document.title === `#${name} — Parley`, side);
    await bob.page.waitForSelector(`#room-list [data-room="${side}"]:not(.has-unread)`);
    await bob.page.click('#room-list [data-room="general"]');
    await bob.page.waitForFunction(() => document.title === '#general — Parley');
    await expect.poll(() => favicon(bob.page)).toBe('/favicon.svg');
    expect(await title(bob.page)).toBe('#general — Parley');

    // No console error and no CSP violation from drawing or setting the icon.
    expect(bob.errors).toEqual([]);
    expect(await bob.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  });
});

describe('desktop notifications', () => {
  it('a mention in a background tab raises one; a plain message in a room at "mentions" does not', async () => {
    expect(await permissionRequests(bob.page)).toBe(0); // never asked on load
    expect(await bob.page.inputValue('#notify-level')).toBe('mentions'); // a room's default
    await setBackground(bob.page, true);

    await aliceWs.sendText('just chatting, nothing for anyone', 'general');
    await aliceWs.sendText(`@${bob.username} look at **this**`, 'general');
    await expect.poll(async () => (await notifications(bob.page)).length).toBe(1);
    const [note] = await notifications(bob.page);
    expect(note).toEqual({
      title: `${alice.user.username} in #general`,
      body: `@${bob.username} look at this`,
      tag: 'parley:general',
    });
    // In the background the open room's unread count shows in the title too.
    await bob.page.waitForFunction(() => document.title === '(2) #general — Parley');
    await setBackground(bob.page, false);
    await bob.page.waitForFunction(() => document.title === '#general — Parley');
  });

  it('a DM notifies every message by default; clicking it brings up the conversation', async () => {
    await setBackground(bob.page, true);
    const dm = await restAs(server.url, alice).openDm(bob.username);
    await bob.page.waitForSelector(`#dm-list [data-room="${dm.name}"]`);
    await aliceWs.join(dm.name);
    const before = (await notifications(bob.page)).length;
    await aliceWs.sendText('a quiet word', dm.name);
    await expect.poll(async () => (await notifications(bob.page)).length).toBe(before + 1);
    expect((await notifications(bob.page)).at(-1)).toEqual({
      title: alice.user.username,
      body: 'a quiet word',
      tag: `parley:${dm.name}`,
    });
    await setBackground(bob.page, false);
    await clickLatestNotification(bob.page);
    await bob.page.waitForFunction((name) => document.title === `@${name} — Parley`, alice.user.username);
    expect(await bob.page.inputValue('#notify-level')).toBe('all');

    // Turned to none, the next message in the background raises nothing.
    await bob.page.selectOption('#notify-level', 'none');
    await setBackground(bob.page, true);
    await aliceWs.sendText('another word', dm.name);
    await aliceWs.sendText(`@${bob.username} in general`, 'general'); // a mention elsewhere still notifies
    await expect.poll(async () => (await notifications(bob.page)).at(-1)?.tag).toBe('parley:general');
    expect((await notifications(bob.page)).filter((n) => n.tag === `parley:${dm.name}`)).toHaveLength(1);
    await setBackground(bob.page, false);
    expect(await permissionRequests(bob.page)).toBe(0); // granted already: never asked
  });

  it('without permission the control says off, and asks only when the person turns it on', async () => {
    const carol = await arriveWatched(false);
    try {
      expect(await carol.page.inputValue('#notify-level')).toBe('off');
      expect(await permissionRequests(carol.page)).toBe(0);
      await carol.page.selectOption('#notify-level', 'mentions');
      await expect.poll(() => permissionRequests(carol.page)).toBe(1);
    } finally {
      await carol.context.close();
    }
  });
});
