import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import { ensureWebBuilt, launchBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;

beforeAll(async () => {
  ensureWebBuilt();
  server = await startServer();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
  await server?.close();
});

interface Person {
  page: Page;
  username: string;
  dialogs: string[];
}

/** A new browser context (its own cookies), registering and logging in through the real UI. */
async function arrive(prefix: string): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    (window as unknown as { __executions: number }).__executions = 0;
  });
  const username = uniqueName(prefix);
  await page.goto(server.url);
  await page.fill('#username', username);
  await page.fill('#password', GOOD_PASSWORD);
  await page.click('#register-btn');
  await page.waitForSelector('#chat:not([hidden])');
  await page.waitForSelector('#status[data-state="online"]');
  return { page, username, dialogs };
}

async function send(person: Person, text: string): Promise<void> {
  await person.page.fill('#composer', text);
  await person.page.click('#send-btn');
}

it('two people chat in Chromium: Markdown renders, both are online, hostile HTML runs nothing', async () => {
  const ann = await arrive('ann');
  const ben = await arrive('ben');

  await ann.page.waitForSelector(`#online li[data-username="${ben.username}"]`);
  await ben.page.waitForSelector(`#online li[data-username="${ann.username}"]`);

  await send(ann, 'hello **bold world** and `code`');
  const strong = await ben.page.waitForSelector('#messages .message .body strong');
  expect(await strong.textContent()).toBe('bold world');
  await ann.page.waitForSelector('#messages .message .body strong');
  const author = await ben.page.locator('#messages .message .author').last().textContent();
  expect(author).toContain(ann.username);

  const payloads = [
    '<img src=x onerror="window.__executions++;alert(1)">',
    '<svg onload=alert(2)><script>alert(3)</script>',
    '[click me](javascript:alert(4))',
    '<a href="javascript:alert(5)">link</a> <iframe src="javascript:alert(6)"></iframe>',
  ];
  for (const payload of payloads) await send(ann, payload);
  await send(ann, 'after the payloads');
  await ben.page.waitForSelector('#messages .message:last-child .body:has-text("after the payloads")');

  for (const person of [ann, ben]) {
    const audit = await person.page.evaluate(() => {
      const list = document.querySelector('#messages')!;
      const handlers = [...list.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on')),
      );
      const jsUrls = [...list.querySelectorAll('[href],[src]')].filter((el) =>
        /^\s*javascript:/i.test(el.getAttribute('href') ?? el.getAttribute('src') ?? ''),
      );
      return {
        executions: (window as unknown as { __executions: number }).__executions,
        handlers: handlers.length,
        jsUrls: jsUrls.length,
        scripts: list.querySelectorAll('script, iframe, svg').length,
        text: list.textContent ?? '',
      };
    });
    expect(audit.executions).toBe(0);
    expect(person.dialogs).toEqual([]);
    expect(audit.handlers).toBe(0);
    expect(audit.jsUrls).toBe(0);
    expect(audit.scripts).toBe(0);
    // Shown as harmless content: the text is still there to read.
    expect(audit.text).toContain('onerror');
    expect(audit.text).toContain('click me');
  }
  await ann.page.context().close();
  await ben.page.context().close();
});
