/**
 * Files and search in the web client, two people in one room (two browser contexts): A pastes an
 * image into the composer and sends it; B sees the preview (an <img> from a blob: URL that decoded)
 * and opens it in the lightbox; the preview's object URL is revoked once the message leaves the
 * screen. B searches a word written long before the history B has loaded, chooses the hit, and the
 * message is shown and marked in its room. A file dropped onto the room becomes a card that
 * downloads; one over the size limit says why in the server's words. No URL any page asks for ever
 * carries an access token.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { openPage, submitAuth, useServerAndBrowser, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

const FILLER = 120;
/** A file name that would be markup if it were ever parsed as HTML (no `/`: servers keep the last path part). */
const NAME = 'orange <img src=x onerror=alert(1)> box.png';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

/** Every URL the context asks for (HTTP and WebSocket), and every access token the server handed it. */
function watch(context: BrowserContext): { urls: string[]; tokens: string[] } {
  const seen = { urls: [] as string[], tokens: [] as string[] };
  context.on('request', (request) => seen.urls.push(request.url()));
  context.on('response', (response) => {
    if (!/\/api\/v1\/auth\/(login|refresh|register)/.test(response.url())) return;
    response
      .json()
      .then((body: { accessToken?: unknown }) => {
        if (typeof body.accessToken === 'string') seen.tokens.push(body.accessToken);
      })
      .catch(() => undefined);
  });
  return seen;
}

/** Registers through the login screen (as `arrive` does) with the watch installed before the first request. */
async function arriveWatched(name: string): Promise<Person & { seen: ReturnType<typeof watch> }> {
  const { context, page, dialogs } = await openPage(browser);
  const seen = watch(context);
  await page.goto(server.url);
  await page.waitForSelector('#auth:not([hidden])');
  await submitAuth(page, name, GOOD_PASSWORD, 'register');
  await page.waitForSelector('#status[data-state="online"]');
  return { context, page, username: name, dialogs, seen };
}

/** A small PNG drawn in the page, put on a paste event's clipboard and dispatched at the composer. */
async function pasteImage(page: Page, name: string): Promise<void> {
  await page.locator('#composer').evaluate(async (composer, fileName) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#ffb347';
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#0a6630';
    g.fillRect(8, 8, 30, 20);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], fileName, { type: 'image/png' }));
    composer.focus();
    composer.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, name);
}

/** Nothing asked for a URL with a token in it (tokens travel in headers and the socket's subprotocol). */
function expectNoTokenInUrls(person: { seen: ReturnType<typeof watch> }): void {
  expect(person.seen.tokens.length).toBeGreaterThan(0);
  for (const url of person.seen.urls) {
    for (const token of person.seen.tokens) expect(url).not.toContain(token);
    expect(url).not.toMatch(/eyJ|token=|access_token/i);
  }
}

it('shows an image pasted on one side as a preview on the other, and in a lightbox', async () => {
  const ann = await arriveWatched(uniqueName('ann'));
  const bob = await arriveWatched(uniqueName('bob'));

  // A pastes an image: it uploads with a progress bar, then goes with an empty text.
  await pasteImage(ann.page, NAME);
  await ann.page.waitForSelector('#attachments .attachment[data-status="done"]');
  expect(await ann.page.locator('#attachments .attachment-name').textContent()).toBe(NAME);
  await ann.page.press('#composer', 'Enter');
  await ann.page.waitForSelector('#attachments', { state: 'hidden' });

  // B sees it: an <img> whose source is a blob: URL and which decoded, its alt text the file's name.
  const preview = bob.page.locator('#messages .message .file-image img');
  // Polled through evaluate: waitForFunction would compile its predicate in the page, which our CSP refuses.
  const decoded = (selector: string) =>
    bob.page.evaluate((s) => {
      const img = document.querySelector<HTMLImageElement>(s);
      return img !== null && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    }, selector);
  await expect.poll(() => decoded('#messages .message .file-image img')).toBe(true);
  expect(await preview.getAttribute('src')).toMatch(/^blob:/);
  expect(await preview.getAttribute('alt')).toBe(NAME);
  expect(await bob.page.locator('#messages .message .files img').count()).toBe(1);

  // The lightbox: the full image, Escape closes it, focus back on the preview.
  await bob.page.locator('#messages .message .file-image').click();
  await expect.poll(() => decoded('#lightbox[open] #lightbox-img')).toBe(true);
  await bob.page.keyboard.press('Escape');
  await bob.page.waitForSelector('#lightbox', { state: 'hidden' });
  expect(await bob.page.evaluate(() => document.activeElement?.classList.contains('file-image'))).toBe(true);

  // Once the message leaves the screen (B opens another room), its object URL is revoked.
  const blobUrl = (await preview.getAttribute('src'))!;
  const readable = (url: string) =>
    bob.page.evaluate(
      (u) =>
        new Promise<boolean>((resolve) => {
          const probe = new Image();
          probe.onload = () => resolve(true);
          probe.onerror = () => resolve(false);
          probe.src = u;
        }),
      url,
    );
  expect(await readable(blobUrl)).toBe(true);
  const other = uniqueName('r')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  await bob.page.click('#new-room-btn');
  await bob.page.fill('#room-name', other);
  await bob.page.click('#room-create');
  await bob.page.waitForSelector(`#room-title:has-text("#${other}")`);
  await expect.poll(() => readable(blobUrl)).toBe(false);

  expect(bob.seen.urls.filter((url) => url.includes('/api/v1/files/')).length).toBeGreaterThan(0);
  expectNoTokenInUrls(ann);
  expectNoTokenInUrls(bob);
  expect(await bob.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  expect([...ann.dialogs, ...bob.dialogs]).toEqual([]);
  await ann.context.close();
  await bob.context.close();
}, 300_000);

it('jumps from a search hit to a message far back in the room, loading the history around it', async () => {
  // The history first: a message with a rare word, then enough after it that no one loads it on arrival.
  const word = `quokka${uniqueName('w')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()}`;
  const seeder = await connect(server.wsUrl, await newUser(server.url, 'seed'));
  await seeder.join();
  seeder.send({ type: 'send', room: 'general', text: `the ${word} is behind the shed`, clientMsgId: 'needle' });
  const needle = await seeder.next('ack', (frame) => frame.clientMsgId === 'needle');
  for (let i = 0; i < FILLER; i++) {
    seeder.send({ type: 'send', room: 'general', text: `filler line ${i}`, clientMsgId: `filler-${i}` });
  }
  await seeder.next('ack', (frame) => frame.clientMsgId === `filler-${FILLER - 1}`);

  const bob = await arriveWatched(uniqueName('bob'));
  await bob.page.waitForSelector(`#messages .message .body:has-text("filler line ${FILLER - 1}")`);
  expect(await bob.page.locator(`#messages .message[data-id="${needle.message.id}"]`).count()).toBe(0);

  // B searches the word: one hit, the word marked, the text kept as text.
  await bob.page.click('#search-btn');
  // A common word: a page of hits, newest first, and "more" brings the next page by its cursor.
  await bob.page.fill('#search-input', 'filler');
  await bob.page.press('#search-input', 'Enter');
  const hits = bob.page.locator('#search-results .search-hit-button');
  await expect.poll(() => hits.count()).toBe(20);
  expect(await hits.first().locator('.search-hit-text').textContent()).toBe(`filler line ${FILLER - 1}`);
  await bob.page.click('#search-more');
  await expect.poll(() => hits.count()).toBe(40);
  await bob.page.fill('#search-input', word);
  await bob.page.press('#search-input', 'Enter');
  const hit = bob.page.locator(`#search-results .search-hit-button[data-id="${needle.message.id}"]`);
  await hit.waitFor();
  expect(await hit.locator('mark').allTextContents()).toEqual([word]);
  expect(await hit.locator('.search-hit-room').textContent()).toBe('#general');

  // Choosing it loads the history back to it, scrolls to it and marks it.
  await hit.click();
  await bob.page.waitForSelector(`#messages .message.flash[data-id="${needle.message.id}"]`);
  // The mark is brief (a flash): what follows reads the message whether or not it still shows.
  const target = bob.page.locator(`#messages .message[data-id="${needle.message.id}"]`);
  expect(await target.locator('.body').textContent()).toContain(word);
  const inView = await target.evaluate((li) => {
    const box = li.getBoundingClientRect();
    const view = document.querySelector('#scroller')!.getBoundingClientRect();
    return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
  });
  expect(inView).toBe(true);
  expect(await bob.page.locator('#search-dialog').isVisible()).toBe(false);

  expectNoTokenInUrls(bob);
  await seeder.close();
  await bob.context.close();
}, 300_000);

it('says why an upload was refused, and shows other files as cards that download', async () => {
  const small = await startServer({ env: { FILE_MAX_BYTES: '4000' } });
  try {
    const { context, page } = await openPage(browser);
    const seen = watch(context);
    await page.goto(small.url);
    await page.waitForSelector('#auth:not([hidden])');
    await submitAuth(page, uniqueName('cat'), GOOD_PASSWORD, 'register');
    await page.waitForSelector('#status[data-state="online"]');

    // One fits; one is over FILE_MAX_BYTES and says so in the server's words.
    // One dropped onto the room, one picked with the attach button.
    await page.locator('#room-pane').evaluate((pane) => {
      const data = new DataTransfer();
      data.items.add(new File(['hello notes'], 'notes (draft).txt', { type: 'text/plain' }));
      for (const type of ['dragover', 'drop']) {
        pane.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    });
    await page.setInputFiles('#attach-input', [
      { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1_000_000, 7) },
    ]);
    await page.waitForSelector('#attachments .attachment[data-status="done"]');
    const refused = page.locator('#attachments .attachment[data-status="failed"]');
    await refused.waitFor();
    expect(await refused.locator('.attachment-state').textContent()).toBe(
      'big.bin: The file is larger than this server accepts.',
    );
    expect(await page.locator('#notice[data-kind="error"]').textContent()).toBe(
      'big.bin: The file is larger than this server accepts.',
    );
    await refused.locator('.attachment-cancel').click();
    await page.fill('#composer', 'see the notes');
    await page.press('#composer', 'Enter');

    // Stored: a card with the name, the size and a download that brings the same bytes.
    const card = page.locator('#messages .message .file-card');
    await card.waitFor();
    expect(await card.locator('.file-name').textContent()).toBe('notes (draft).txt');
    expect(await card.locator('.file-meta').textContent()).toContain('11 B');
    const [download] = await Promise.all([page.waitForEvent('download'), card.locator('.file-download').click()]);
    expect(download.suggestedFilename()).toBe('notes (draft).txt');
    expect(readFileSync(await download.path(), 'utf8')).toBe('hello notes');
    expectNoTokenInUrls({ seen });
    await context.close();
  } finally {
    await small.close();
  }
}, 300_000);
