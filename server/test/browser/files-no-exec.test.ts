import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../helpers/http.js';
import { launchBrowser, openPage } from '../helpers/browser.js';
import { png, uploaded } from '../helpers/files.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The acceptance: a polyglot (HTML and script named x.png, sent as image/png), an SVG with
 * script, and a real PNG with HTML appended, each opened directly in Chromium by its download URL
 * (with the Authorization header, as the web client fetches). None may run: every payload would
 * call a beacon on another server, open a dialog or change the title.
 */
describe('Chromium opening hostile files by URL runs none of them', () => {
  let server: TestServer;
  let browser: Browser;
  let dispose: () => Promise<void>;
  let beacon: Server;
  const hits: string[] = [];
  let beaconUrl = '';

  beforeAll(async () => {
    beacon = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}/beacon`;
    server = await startServer();
    ({ browser, dispose } = await launchBrowser());
  }, 90_000);

  afterAll(async () => {
    await dispose();
    await server.close();
    await new Promise((resolve) => beacon.close(resolve));
  });

  it('the polyglot and the SVG download as attachments; the inline PNG is pixels; no script runs', async () => {
    const alice = await newUser(server.url, 'alice');
    const socket = await connect(server.wsUrl, alice);
    const room = `files-${process.pid}`;
    await fetch(`${server.url}/api/v1/rooms`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.accessToken}`,
        cookie: alice.cookie,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: room, visibility: 'private' }),
    });
    await socket.join(room);

    const script = (from: string) =>
      `<script>document.title = "pwned"; alert("${from}"); fetch("${beaconUrl}?from=${from}"); ` +
      `navigator.sendBeacon("${beaconUrl}?from=${from}-beacon");</script>` +
      `<img src="${beaconUrl}?from=${from}-img" onerror="fetch('${beaconUrl}?from=${from}-onerror')">`;
    const polyglot = Buffer.from(
      `<!DOCTYPE html><html><head><title>clean</title></head><body>${script('html')}</body></html>`,
    );
    const svg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('${beaconUrl}?from=svg-onload')">` +
        `<script>document.title = "pwned"; fetch("${beaconUrl}?from=svg");</script>` +
        `<foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml">${script('svg-html')}</body></foreignObject></svg>`,
    );
    const tainted = Buffer.concat([await png(16, 16), polyglot]);
    const files = {
      polyglot: await uploaded(server.url, alice, room, polyglot, 'x.png', 'image/png'),
      svg: await uploaded(server.url, alice, room, svg, 'logo.svg', 'image/svg+xml'),
      tainted: await uploaded(server.url, alice, room, tainted, 'cat.png', 'image/png'),
    };
    socket.send({
      type: 'send',
      room,
      text: '',
      clientMsgId: globalThis.crypto.randomUUID(),
      files: [files.polyglot.id, files.svg.id, files.tainted.id],
    });
    await socket.next('ack', (f) => (f.message.files?.length ?? 0) === 3);

    const { context, page, dialogs } = await openPage(browser);
    await context.setExtraHTTPHeaders({ authorization: `Bearer ${alice.accessToken}`, cookie: alice.cookie });
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));

    const downloads: string[] = [];
    page.on('download', (download) => {
      downloads.push(download.suggestedFilename());
      void download.delete();
    });
    const navigations: string[] = [];
    for (const file of [files.polyglot, files.svg]) {
      // An attachment never becomes a document: the navigation turns into a download.
      navigations.push(
        await page.goto(`${server.url}/api/v1/files/${file.id}`).then(
          () => 'document',
          (error: Error) => (/Download is starting/.test(error.message) ? 'download' : error.message),
        ),
      );
    }

    // The re-encoded PNG is shown inline, as an image document: pixels only, nothing to run.
    const response = await page.goto(`${server.url}/api/v1/files/${files.tainted.id}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('image/png');
    expect(await page.evaluate(() => document.contentType)).toBe('image/png');
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
    expect(await page.title()).not.toBe('pwned');

    // Nothing ran anywhere: no beacon reached, no dialog, no request to the beacon even tried.
    expect(hits).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requested.filter((url) => url.startsWith(beaconUrl))).toEqual([]);
    expect(navigations).toEqual(['download', 'download']);
    await waitUntil(() => downloads.length === 2, 'both downloads');
    expect(downloads).toEqual(['x.png', 'logo.svg']);
    await context.close();
    await socket.close();
  });
});
