import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type TestServer } from './server.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The ceiling of one browser step (a selector, a navigation): it only stops a page that is stuck. */
export const BROWSER_STEP_MS = 30_000;

/** Builds the web client if this checkout has not built it yet (npm test builds it first). */
export function ensureWebBuilt(): void {
  if (existsSync('web/dist/index.html')) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}

/**
 * Headless Debian Chromium with a fresh profile (playwright's launch makes a new temporary
 * user-data dir each time and removes it on close) and no background networking (this machine's
 * network is closed). Fails loudly, never skips, when Chromium is missing: CI installs it.
 */
export async function launchBrowser(): Promise<{ browser: Browser; dispose: () => Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    dispose: () => browser.close(),
  };
}

/** A person in their own browser context (own cookies), with hooks that catch anything executing. */
export interface Person {
  context: BrowserContext;
  page: Page;
  username: string;
  /** Every alert/confirm/prompt the page opened (dismissed at once). */
  dialogs: string[];
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'dark' | 'light';
  reducedMotion?: 'reduce' | 'no-preference';
}

/**
 * A new context and page with three tripwires installed before any page script runs: dialogs are
 * recorded, `window.__executions` is a counter payloads may bump, and every CSP violation is kept
 * in `window.__csp`.
 */
export async function openPage(
  browser: Browser,
  options: PageOptions = {},
): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'dark',
    reducedMotion: options.reducedMotion ?? 'reduce',
  });
  // Fail with the selector that never came, before the test's own ceiling,
  // but never because a loaded machine took a few seconds to render.
  context.setDefaultTimeout(BROWSER_STEP_MS);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __executions: number; __csp: string[] };
    w.__executions = 0;
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (ev) => {
      w.__csp.push(`${ev.violatedDirective} ${ev.blockedURI}`);
    });
  });
  return { context, page, dialogs };
}

/** Fills the login form and presses a button; does not wait for the outcome. */
export async function submitAuth(
  page: Page,
  username: string,
  password: string,
  button: 'login' | 'register',
): Promise<void> {
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click(button === 'login' ? '#login-btn' : '#register-btn');
}

/** Opens the app, registers (or logs in) through the real UI and waits until the chat is online. */
export async function arrive(
  browser: Browser,
  url: string,
  username: string,
  password: string,
  how: 'login' | 'register' = 'register',
  options: PageOptions = {},
): Promise<Person> {
  const { context, page, dialogs } = await openPage(browser, options);
  await page.goto(url);
  await page.waitForSelector('#auth:not([hidden])');
  await submitAuth(page, username, password, how);
  await page.waitForSelector('#chat:not([hidden])');
  await page.waitForSelector('#status[data-state="online"]');
  return { context, page, username, dialogs };
}

/** Types a message into the composer and sends it with Enter, as a person would. */
export async function sendViaUi(page: Page, text: string): Promise<void> {
  await page.fill('#composer', text);
  await page.press('#composer', 'Enter');
}

/** The texts of the stored messages shown, in order (the `.body` text of each `.message`). */
export function shownMessages(page: Page): Promise<{ seq: number; text: string }[]> {
  return page.$$eval('#messages .message', (items) =>
    items.map((li) => ({
      seq: Number((li as HTMLElement).dataset['seq']),
      text: li.querySelector('.body')?.textContent?.trim() ?? '',
    })),
  );
}

export interface DomAudit {
  executions: number;
  handlers: number;
  jsUrls: number;
  scripts: number;
  csp: string[];
}

/** Looks for anything scriptable inside the message list, and reads the tripwires. */
export function auditMessages(page: Page): Promise<DomAudit> {
  return page.evaluate(() => {
    const w = window as unknown as { __executions: number; __csp: string[] };
    const list = document.querySelector('#messages')!;
    const all = [...list.querySelectorAll('*')];
    const handlers = all.filter((el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on')));
    const jsUrls = all.filter((el) =>
      [...el.attributes].some(
        (a) => /^\s*(javascript|vbscript|data):/i.test(a.value) && /href|src|action/i.test(a.name),
      ),
    );
    return {
      executions: w.__executions,
      handlers: handlers.length,
      jsUrls: jsUrls.length,
      scripts: list.querySelectorAll('script, iframe, object, embed, form, style, link, meta, base').length,
      csp: w.__csp,
    };
  });
}

/**
 * Registers the usual browser-test stage for a file: the web client built, one real server on
 * port 0 and one Chromium, handed to `use` before the tests and closed after them.
 */
export function useServerAndBrowser(use: (stage: { server: TestServer; browser: Browser }) => void): void {
  let server: TestServer | undefined;
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    const launched = await launchBrowser();
    dispose = launched.dispose;
    use({ server, browser: launched.browser });
  });
  afterAll(async () => {
    await dispose?.();
    await server?.close();
  });
}
