/**
 * Scrolling up loads older history by seq cursor: every older message arrives exactly once (no
 * page fetched twice, no overlap between pages) and the list ends up complete and in order. Message
 * seqs are not contiguous (each person's first join of the room takes a seq too), so the list is
 * compared with the seqs the server gave the seeded messages.
 */
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { arrive, shownMessages, useServerAndBrowser } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, uniqueName } from '../helpers/http.js';
import { type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

const SEEDED = 163;

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

it(`loads ${SEEDED} seeded messages by scrolling up, each exactly once`, async () => {
  const seeder = await connect(server.wsUrl, await newUser(server.url, 'seed'));
  await seeder.join();
  const seeded: number[] = [];
  for (let i = 1; i <= SEEDED; i++) seeded.push((await seeder.sendText(`history line ${i}`)).message.seq);
  await seeder.close();
  expect(seeded).toEqual([...seeded].sort((a, b) => a - b));

  const reader = await arrive(browser, server.url, uniqueName('reader'), GOOD_PASSWORD, 'register', {
    viewport: { width: 390, height: 844 },
  });
  const { page } = reader;
  const pages: number[][] = [];
  page.on('response', (response) => {
    if (!/\/api\/v1\/rooms\/general\/messages\?/.test(response.url())) return;
    void response.json().then((body: { messages: { seq: number }[] }) => pages.push(body.messages.map((m) => m.seq)));
  });

  // The join brought the latest 100; the rest comes page by page as the reader scrolls up.
  await expect.poll(async () => (await shownMessages(page)).length).toBe(100);
  for (let round = 0; round < 10; round++) {
    if (await page.isHidden('#load-older')) break;
    const before = (await shownMessages(page)).length;
    await page.locator('#scroller').evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(async () => (await shownMessages(page)).length).toBeGreaterThan(before);
  }
  await page.waitForSelector('#history-start:not([hidden])');

  const shown = await shownMessages(page);
  expect(shown.map((m) => m.seq)).toEqual(seeded);
  expect(shown.map((m) => m.text)).toEqual(Array.from({ length: SEEDED }, (_, i) => `history line ${i + 1}`));
  const fetched = pages.flat();
  expect(new Set(fetched).size).toBe(fetched.length); // no message fetched twice
  expect(fetched.sort((a, b) => a - b)).toEqual(seeded.slice(0, SEEDED - 100));
  await reader.context.close();
});
