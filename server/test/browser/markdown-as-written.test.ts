/**
 * Markdown as people write it, on a phone (375 px), in both themes: task lists as disabled
 * checkboxes (and no other input, even from crafted markup), a remote image as a link card that
 * loads nothing from the remote host and logs nothing, a long code line that scrolls inside its
 * block while the page never scrolls sideways, highlighted names without a dotted underline; and
 * between messages, dates when the day changes and the "new messages" line where I left off.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, login, newUser, request, uniqueName, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

const PHONE = { width: 375, height: 740 };
const DAY_MS = 24 * 60 * 60 * 1000;
/** The server's clock, moved back for the messages that were said "yesterday". */
let shift = 0;

let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;
let reader: Person;
let eve: TestClient;
const requests: string[] = [];
const consoleErrors: string[] = [];
let session: Session | undefined;

beforeAll(async () => {
  ensureWebBuilt();
  server = await startServer({ clock: { now: () => Date.now() - shift } });
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
  eve = await connect(server.wsUrl, await newUser(server.url, 'eve'));
  await eve.join();
  shift = 2 * DAY_MS;
  await eve.sendText('said the day before yesterday');
  shift = DAY_MS;
  await eve.sendText('said yesterday');
  shift = 0;
  reader = await arrive(browser, server.url, uniqueName('reader'), GOOD_PASSWORD, 'register', { viewport: PHONE });
  reader.page.on('request', (r) => requests.push(r.url()));
  reader.page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
}, 180_000);
afterAll(async () => {
  await eve?.close();
  await disposeBrowser?.();
  await server?.close();
});

const message = (page: Page, marker: string) => page.locator('#messages .message', { hasText: marker });

async function setTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe(theme);
}

it('shows task lists, image link cards and scrolling code at phone width, in both themes', async () => {
  const { page } = reader;
  await eve.sendText('release list:\n- [ ] write notes\n- [x] tag v2.4 **done**\n- plain item');
  await eve.sendText('look ![a cat on the keyboard](https://elsewhere.example/cat.png) lol');
  await eve.sendText(`wide:\n\`\`\`ts\ntype Id = string; const line: Id = "${'x'.repeat(400)}";\n\`\`\``);
  // Crafted markup is text: no input of its own, not even a checkbox.
  await eve.sendText('<input type="text" autofocus onfocus="window.__executions++"> <input type=checkbox>');
  await message(page, 'onfocus').waitFor();

  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    const tasks = message(page, 'release list').locator('.body input');
    expect(await tasks.count()).toBe(2);
    expect(await tasks.evaluateAll((els) => els.map((el) => el.outerHTML))).toEqual([
      '<input disabled="" type="checkbox">',
      '<input checked="" disabled="" type="checkbox">',
    ]);
    expect(await page.locator('#messages input').count()).toBe(2);
    expect(await message(page, 'onfocus').locator('.body').textContent()).toContain('<input type="text"');
    // Visible and apart from the background in this theme.
    const box = await tasks.first().boundingBox();
    expect(box!.width).toBeGreaterThan(5);

    const card = message(page, 'look').locator('a.link-card');
    expect(await card.getAttribute('href')).toBe('https://elsewhere.example/cat.png');
    expect(await card.getAttribute('target')).toBe('_blank');
    expect((await card.getAttribute('rel'))!.split(' ')).toEqual(
      expect.arrayContaining(['noopener', 'noreferrer', 'nofollow']),
    );
    expect(await card.locator('.link-card-alt').textContent()).toBe('a cat on the keyboard');
    expect(await card.locator('.link-card-host').textContent()).toBe('elsewhere.example');
    expect(await page.locator('#messages img').count()).toBe(0);
    const [cardColor, background] = await card.evaluate((el) => [
      getComputedStyle(el).color,
      getComputedStyle(document.body).backgroundColor,
    ]);
    expect(cardColor).not.toBe(background);

    // The code scrolls inside its block; the page does not scroll sideways.
    const pre = message(page, 'wide:').locator('pre');
    const sizes = await pre.evaluate((el) => ({
      scroll: el.scrollWidth,
      client: el.clientWidth,
      overflow: getComputedStyle(el).overflowX,
    }));
    expect(sizes.overflow).toBe('auto');
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 0.5)).toBe(true);
    await pre.evaluate((el) => el.scrollTo({ left: 200 }));
    expect(await pre.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.scrollX)).toBe(0);

    // Highlighted names are coloured, not underlined.
    const names = await message(page, 'wide:')
      .locator('code.hljs [class^="hljs-"]')
      .evaluateAll((els) => els.map((el) => getComputedStyle(el).textDecorationLine));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((line) => line !== 'none')).toEqual([]);
  }
  // Nothing asked of the other site, nothing logged, nothing run.
  expect(requests.filter((url) => url.includes('elsewhere.example'))).toEqual([]);
  expect(consoleErrors).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __executions: number }).__executions)).toBe(0);
});

it('puts a date between days, in both themes', async () => {
  const { page } = reader;
  const separators = page.locator('#messages > li.day-separator');
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    await expect.poll(() => separators.allTextContents()).toEqual([expect.any(String), 'Yesterday', 'Today']);
    // Each stands right before the first message of its day.
    const next = await separators.evaluateAll((els) =>
      els.map((el) => el.nextElementSibling?.querySelector('.body')?.textContent?.trim()),
    );
    expect(next.slice(0, 2)).toEqual(['said the day before yesterday', 'said yesterday']);
    expect(next[2]).toContain('release list');
    const [color, background] = await separators
      .last()
      .evaluate((el) => [getComputedStyle(el).color, getComputedStyle(document.body).backgroundColor]);
    expect(color).not.toBe(background);
  }
});

it('draws "new messages" where I left off, keeps it while the room is open, and drops it once read', async () => {
  const { page } = reader;
  // Read to the end: the marker reaches the last message.
  const last = (await eve.sendText('read up to here')).message.seq;
  await message(page, 'read up to here').waitFor();
  await page.locator('#scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect.poll(() => readSeq(reader)).toBeGreaterThanOrEqual(last);

  // Away while three more arrive; back, the line sits before the first of them.
  await page.goto('about:blank');
  for (const text of ['missed one', 'missed two', 'missed three']) await eve.sendText(text);
  await page.goto(server.url);
  await message(page, 'missed three').waitFor();
  const divider = page.locator('#messages > li.unread-divider');
  await expect.poll(() => divider.count()).toBe(1);
  expect(await divider.evaluate((el) => el.nextElementSibling?.textContent)).toContain('missed one');
  // Reading moves the marker, the line stays for this visit.
  await page.locator('#scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect.poll(() => readSeq(reader)).toBeGreaterThan(last);
  const watched = (await eve.sendText('while I watch')).message.seq;
  await message(page, 'while I watch').waitFor();
  expect(await divider.count()).toBe(1);
  expect(await divider.evaluate((el) => el.nextElementSibling?.textContent)).toContain('missed one');

  // Opened again after reading: no line.
  await expect.poll(() => readSeq(reader)).toBeGreaterThanOrEqual(watched);
  await page.reload();
  await message(page, 'while I watch').waitFor();
  await page.waitForSelector('#status[data-state="online"]');
  expect(await divider.count()).toBe(0);
});

/** My read marker in #general as the server has it (asked with a session of my own). */
async function readSeq(person: Person): Promise<number> {
  session ??= await login(server.url, person.username);
  const res = await request<{ rooms: { name: string; lastReadSeq?: number }[] }>(`${server.url}/api/v1/rooms`, {
    token: session.accessToken,
    cookie: session.cookie,
  });
  return res.body.rooms.find((r) => r.name === 'general')?.lastReadSeq ?? 0;
}
