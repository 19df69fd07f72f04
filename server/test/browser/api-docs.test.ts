/**
 * The /docs page (Swagger UI) in Chromium under our strict CSP: it renders the operations from the
 * generated document, runs no inline script, fetches nothing from elsewhere, and logs no console
 * error and no CSP violation (its one inline <style> is allowed by the hash computed at startup).
 */
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { openPage, useServerAndBrowser } from '../helpers/browser.js';
import { type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

it('renders every operation under the CSP with no console error, no violation and no outside fetch', async () => {
  const { context, page } = await openPage(browser);
  const consoleErrors: string[] = [];
  const outside: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) outside.push(request.url());
  });

  const answer = await page.goto(`${server.url}/docs`);
  const csp = answer?.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);

  await page.waitForSelector('.opblock-summary-path');
  const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: object };
  const operations = Object.values(document.paths).flatMap((methods: object) => Object.keys(methods)).length;
  await expect.poll(() => page.locator('.opblock').count()).toBe(operations);
  expect(await page.locator('.opblock-summary-path[data-path="/api/v1/rooms/{room}/messages"]').count()).toBe(1);
  // The logo, drawn with the inline <style>, is there; no validator badge (validatorUrl: null).
  expect(await page.locator('.topbar svg, .topbar img').count()).toBeGreaterThan(0);
  expect(await page.locator('.validator').count()).toBe(0);

  const csps = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  expect(csps).toEqual([]);
  expect(consoleErrors).toEqual([]);
  expect(outside).toEqual([]);
  await context.close();
});

it('keeps the strict CSP, without the Swagger UI hash, everywhere else', async () => {
  const answer = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(answer.headers.get('content-security-policy')).toMatch(/style-src 'self';/);
});
