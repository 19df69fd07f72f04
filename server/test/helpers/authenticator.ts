import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BROWSER_STEP_MS } from './browser.js';

const require = createRequire(import.meta.url);
/** @simplewebauthn/browser's UMD bundle: defines `SimpleWebAuthnBrowser` on the page. */
const BROWSER_BUNDLE = join(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js');

/**
 * A real WebAuthn authenticator: Chromium's virtual one (CDP WebAuthn domain: CTAP 2.1, resident keys,
 * user verification) on a blank page at `origin` (served by the test, not the server), driving
 * @simplewebauthn/browser's startRegistration / startAuthentication. The JSON each gives back is what
 * a browser would post; the test posts it (or tampers with it, or replays it).
 */
export interface Authenticator {
  page: Page;
  register(options: unknown): Promise<Record<string, unknown>>;
  authenticate(options: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function openAuthenticator(browser: Browser, origin: string): Promise<Authenticator> {
  const context: BrowserContext = await browser.newContext();
  context.setDefaultTimeout(BROWSER_STEP_MS);
  const page = await context.newPage();
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>passkeys</title>' }),
  );
  await page.goto(`${origin}/passkey-test`);
  await page.addScriptTag({ path: BROWSER_BUNDLE });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  type Lib = { SimpleWebAuthnBrowser: Record<string, (arg: unknown) => Promise<unknown>> };
  const run = (fn: 'startRegistration' | 'startAuthentication', options: unknown) =>
    page.evaluate(
      async ({ fn, options }) => {
        const lib = (window as unknown as Lib).SimpleWebAuthnBrowser;
        return (await lib[fn]!({ optionsJSON: options })) as Record<string, unknown>;
      },
      { fn, options },
    );
  return {
    page,
    register: (options) => run('startRegistration', options),
    authenticate: (options) => run('startAuthentication', options),
    close: () => context.close(),
  };
}
