import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

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
