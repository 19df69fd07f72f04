/**
 * Resume after a network cut, through a loopback proxy the test can cut and restore. A short
 * absence is replayed from the last seq the page holds (no gap, no duplicate); a long one — more
 * than the server replays — reloads the latest page with a plain notice, and scrolling up still
 * reaches everything exactly once. Message seqs are not contiguous (joins take seqs too): the page
 * is compared with the seqs the server gave every message stored, in order.
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Limits } from '../../../protocol/limits.js';
import { arrive, ensureWebBuilt, launchBrowser, shownMessages, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/** Forwards 127.0.0.1:port to the server; `cut` drops every connection and refuses new ones. */
class CutProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  targetPort = 0;

  listen(port = this.port): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => s.destroy()).on('close', () => (client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

const proxy = new CutProxy();
let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;
let page: Person['page'];
let writer: TestClient;
/** The seq of every message the writer stored, in order. */
const stored: number[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  await proxy.listen(0);
  const origin = `http://127.0.0.1:${proxy.port}`;
  server = await startServer({ env: { ALLOWED_ORIGINS: origin } });
  proxy.targetPort = Number(new URL(server.url).port);
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
  ({ page } = await arrive(browser, origin, uniqueName('nomad'), GOOD_PASSWORD));
  writer = await connect(server.wsUrl, await newUser(server.url, 'writer'));
  await writer.join();
});
afterAll(async () => {
  await writer?.close();
  await proxy.cut();
  await disposeBrowser?.();
  await server?.close();
});

/** Cuts the page off, lets `count` messages be written meanwhile, and brings it back. */
async function awayWhile(count: number, label: string): Promise<void> {
  await proxy.cut();
  await page.waitForSelector('#status[data-state="offline"]');
  for (let i = 1; i <= count; i++) stored.push((await writer.sendText(`${label} ${i}`)).message.seq);
  await proxy.listen();
  await page.evaluate(() => window.dispatchEvent(new Event('online'))); // as the browser does
  await page.waitForSelector('#status[data-state="online"]');
}

/** The seqs shown are exactly the last `count` messages stored: none missing between, none twice. */
function newestStored(count: number): number[] {
  return stored.slice(-count);
}

it('replays what it missed during a short cut: no gap, no duplicate, no notice', async () => {
  stored.push((await writer.sendText('before the cut')).message.seq);
  await page.waitForSelector('#messages .message:has-text("before the cut")');
  await awayWhile(30, 'missed');
  await expect.poll(async () => (await shownMessages(page)).length).toBe(31);
  const shown = await shownMessages(page);
  expect(shown.map((m) => m.seq)).toEqual(newestStored(31));
  expect(shown.slice(1).map((m) => m.text)).toEqual(Array.from({ length: 30 }, (_, i) => `missed ${i + 1}`));
  expect(await page.isHidden('#notice')).toBe(true);
});

it('after a long absence, reloads the latest history with a notice; scrolling up finds the rest once', async () => {
  const missed = Limits.REPLAY_MAX + 20;
  await awayWhile(missed, 'long');
  await expect.poll(() => page.textContent('#notice')).toMatch(/history was reloaded/);
  await page.waitForSelector(`#messages .message:has-text("long ${missed}")`);
  let shown = await shownMessages(page);
  expect(shown.map((m) => m.seq)).toEqual(newestStored(shown.length));
  expect(shown.at(-1)?.text).toBe(`long ${missed}`);

  // Scroll up until the history starts: every message stored, exactly once, in order. The list
  // keeps a window of a few hundred in the DOM, so what was seen on the way up is put together.
  const seen = new Map(shown.map((m) => [m.seq, m.text]));
  for (let round = 0; round < 40 && (await page.isVisible('#load-older')); round++) {
    const first = shown[0]!.seq;
    await page.locator('#scroller').evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(async () => (await shownMessages(page))[0]!.seq).toBeLessThan(first);
    shown = await shownMessages(page);
    expect(shown.map((m) => m.seq)).toEqual([...shown.map((m) => m.seq)].sort((a, b) => a - b));
    for (const m of shown) seen.set(m.seq, m.text);
  }
  expect([...seen.keys()].sort((a, b) => a - b)).toEqual(stored);
});
