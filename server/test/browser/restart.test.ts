/**
 * The server process is killed (SIGKILL, no goodbye) and started again on the same port while
 * people keep typing. Each page shows it is offline, keeps what was typed in its outbox, comes back
 * by itself, sends the outbox once, and both end with the same messages in the same order.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrive, ensureWebBuilt, launchBrowser, sendViaUi, shownMessages, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, login, request, uniqueName } from '../helpers/http.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { GENEROUS_LIMITS, tempDir } from '../helpers/server.js';

let browser: Browser;
let disposeBrowser: () => Promise<void>;
let server: ServerProcess | undefined;
const dataDir = tempDir('parley-restart-');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

beforeAll(async () => {
  ensureWebBuilt();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
  await server?.stop('SIGKILL');
  dataDir.remove();
});

/**
 * After a restart the page comes back on its own reconnect backoff, which grows while the server is
 * away (up to 30 s between tries); a loaded machine also takes longer to start the process. These
 * are ceilings for a page that never comes back, not how fast it should.
 */
const BACK_ONLINE_MS = 90_000;

async function allSent(person: Person, expected: number): Promise<string[]> {
  await expect
    .poll(async () => ({
      shown: (await shownMessages(person.page)).length,
      outbox: await person.page.locator('#messages .outgoing').count(),
    }))
    .toEqual({ shown: expected, outbox: 0 });
  return (await shownMessages(person.page)).map((m) => m.text);
}

it('survives a server crash and restart: nothing typed is lost, nothing is doubled', async () => {
  const env = {
    PORT: String(await freePort()),
    DATA_DIR: dataDir.path,
    PUBLIC_DIR: 'web/dist',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ...GENEROUS_LIMITS,
  };
  server = await startServerProcess(env);
  const url = server.url;
  const ann = await arrive(browser, url, uniqueName('ann'), GOOD_PASSWORD);
  const ben = await arrive(browser, url, uniqueName('ben'), GOOD_PASSWORD);

  await sendViaUi(ann.page, 'before 1');
  await allSent(ann, 1);
  await sendViaUi(ben.page, 'before 2');
  await allSent(ann, 2);

  await server.stop('SIGKILL');
  server = undefined;
  for (const person of [ann, ben]) await person.page.waitForSelector('#status[data-state="offline"]');

  // Typing goes on while the server is gone: the messages wait, visibly queued.
  await sendViaUi(ann.page, 'offline 1');
  await sendViaUi(ben.page, 'offline 2');
  await sendViaUi(ann.page, 'offline 3 with **markdown**');
  await ann.page.waitForSelector('#messages .outgoing[data-state="pending"]:has-text("queued")');
  expect(await ann.page.locator('#messages .outgoing').count()).toBe(2);

  server = await startServerProcess(env);
  expect(server.url).toBe(url);
  await sendViaUi(ann.page, 'during reconnect');
  for (const person of [ann, ben])
    await person.page.waitForSelector('#status[data-state="online"]', { timeout: BACK_ONLINE_MS });
  for (const person of [ann, ben]) await person.page.waitForSelector('#messages .outgoing', { state: 'detached' });
  await sendViaUi(ben.page, 'after 1');

  const expected = [
    'before 1',
    'before 2',
    'offline 1',
    'offline 2',
    'offline 3 with markdown',
    'during reconnect',
    'after 1',
  ];
  const annSees = await allSent(ann, expected.length);
  const benSees = await allSent(ben, expected.length);
  expect(benSees).toEqual(annSees);
  expect([...annSees].sort()).toEqual([...expected].sort());
  expect(annSees.slice(0, 2)).toEqual(['before 1', 'before 2']);
  expect(annSees.at(-1)).toBe('after 1');
  // Each page typed its own messages in order, and the store agrees: each stored exactly once.
  expect(annSees.filter((t) => t !== 'offline 2' && t !== 'after 1' && !t.startsWith('before'))).toEqual([
    'offline 1',
    'offline 3 with markdown',
    'during reconnect',
  ]);
  const session = await login(url, ann.username);
  const history = await request<{ messages: { text: string; seq: number }[] }>(
    `${url}/api/v1/rooms/general/messages?limit=100`,
    { token: session.accessToken, cookie: session.cookie },
  );
  const stored = history.body.messages.sort((a, b) => a.seq - b.seq).map((m) => m.text.replace(/\*\*/g, ''));
  expect(stored).toEqual(annSees);
  await ann.context.close();
  await ben.context.close();
}, 300_000); // two process start-ups, two people arriving, and a reconnect backoff
