/**
 * A busy room in a tab that stays open: appending a message costs the same whatever the history
 * length. The tab receives live messages until it has held 5,000, and the work of one more batch is
 * compared with the same batch when it held about 80: DOM mutations (a MutationObserver counts added
 * and removed nodes and attribute changes under the list) and main-thread script time (CDP, in CPU
 * time of the renderer's main thread, which a loaded machine does not stretch the way it stretches
 * wall-clock time). Growth, not a time, is what is asserted.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { arrive, useServerAndBrowser } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, uniqueName } from '../helpers/http.js';
import type { TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

const HISTORY = 5_000;
const BATCH = 100;
const CHUNK = 250;

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

/** Sends `count` messages without waiting for each ack, then waits for the page to show the last. */
async function pour(client: TestClient, page: Page, from: number, count: number): Promise<void> {
  let last = '';
  for (let i = from; i < from + count; i++) {
    last = `line ${i} of the busy room`;
    client.send({ type: 'send', room: 'general', text: last, clientMsgId: `busy-${i}` });
  }
  await client.next('ack', (frame) => frame.clientMsgId === `busy-${from + count - 1}`);
  await page.waitForSelector(`#messages .message[data-seq] .body:has-text("${last}")`);
}

interface Work {
  /** Nodes added or removed and attributes changed under the scroller, per message. */
  nodes: number;
  /** Main-thread time of the whole batch (script, style, layout), in ms of CPU. */
  taskMs: number;
  /** Of which layout. */
  layoutMs: number;
}

async function measure(client: TestClient, page: Page, cdp: CDPSession, from: number): Promise<Work> {
  const read = async (): Promise<{ task: number; layout: number }> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string): number => metrics.find((metric) => metric.name === name)!.value;
    return { task: value('TaskDuration'), layout: value('LayoutDuration') };
  };
  await page.evaluate(() => {
    const w = window as unknown as { __touched: number; __observer?: MutationObserver };
    w.__observer?.disconnect();
    w.__touched = 0;
    w.__observer = new MutationObserver((records) => {
      for (const r of records) w.__touched += r.type === 'childList' ? r.addedNodes.length + r.removedNodes.length : 1;
    });
    w.__observer.observe(document.querySelector('#scroller')!, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
  const before = await read();
  await pour(client, page, from, BATCH);
  // Let the last frame's deferred work (the scroll to the end) run before counting.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  const after = await read();
  const touched = await page.evaluate(() => (window as unknown as { __touched: number }).__touched);
  return {
    nodes: touched / BATCH,
    taskMs: (after.task - before.task) * 1000,
    layoutMs: (after.layout - before.layout) * 1000,
  };
}

it(`appends to a tab already holding ${HISTORY} messages as cheaply as to one holding 80`, async () => {
  const reader = await arrive(browser, server.url, uniqueName('reader'), GOOD_PASSWORD);
  const { page } = reader;
  const cdp = await reader.context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const busy = await connect(server.wsUrl, await newUser(server.url, 'busy'));
  await busy.join();

  let sent = 0;
  await pour(busy, page, sent, 80);
  sent += 80;
  const first = await measure(busy, page, cdp, sent);
  sent += BATCH;
  while (sent < HISTORY) {
    const count = Math.min(CHUNK, HISTORY - sent);
    await pour(busy, page, sent, count);
    sent += count;
  }
  const last = await measure(busy, page, cdp, sent);
  sent += BATCH;

  const rendered = await page.locator('#messages > li').count();
  const say = (w: Work): string =>
    `${w.nodes.toFixed(1)} nodes touched per message, ${w.taskMs.toFixed(0)} ms main thread (${w.layoutMs.toFixed(0)} ms layout) per ${BATCH}`;
  console.log(
    `busy room: at ~80 held ${say(first)}; at ${HISTORY} held ${say(last)}; ${rendered} list items in the DOM`,
  );
  // One message: its item in, the oldest item out, the scroll state. Never a walk of the history.
  expect(last.nodes).toBeLessThanOrEqual(8);
  expect(last.nodes).toBeLessThanOrEqual(first.nodes * 2 + 1);
  expect(last.taskMs / Math.max(first.taskMs, 20)).toBeLessThanOrEqual(3);
  expect(rendered).toBeLessThan(HISTORY / 5);

  // Still a list to read: the newest messages are there in order, and older ones come back on the way up.
  const seqs = await page.$$eval('#messages .message[data-seq]', (items) =>
    items.map((li) => Number((li as HTMLElement).dataset['seq'])),
  );
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  const oldest = seqs[0]!;
  await page.locator('#scroller').evaluate((el) => el.scrollTo({ top: 0 }));
  await expect
    .poll(() => page.$eval('#messages .message[data-seq]', (li) => Number((li as HTMLElement).dataset['seq'])))
    .toBeLessThan(oldest);
  await busy.close();
  await reader.context.close();
}, 600_000);
