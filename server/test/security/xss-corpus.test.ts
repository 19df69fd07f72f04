import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { corpusIt, corpusText } from '../helpers/corpora.js';
import { bundleRenderer } from '../helpers/render-bundle.js';

/**
 * The public XSS corpus (payloadbox/xss-payload-list, 6,613 lines; see ../shared/corpora/SOURCES.md)
 * rendered by the client's real renderer — web/src/render.ts, bundled from source by Vite — in headless
 * Chromium, one message element per payload, as the message list does it. The page has no CSP, so the
 * renderer is tested alone; production adds a CSP on top.
 *
 * Asserts: nothing executes (alert/confirm/prompt/print stubs, dialogs, page errors, popups,
 * navigation), nothing dangerous is left in the DOM (event-handler attributes, script URLs, active
 * elements), nothing is fetched, and every payload is still there to read. Without the corpus (a fresh
 * clone) the corpus case is skipped and the control still runs; under CI it fails (helpers/corpora.ts).
 */
/**
 * Added to the corpus, which is all HTML. First, text after an inline <pre>, <code>, <kbd> or <script>,
 * which marked copies out raw: found while writing this test, tags marked does not recognise
 * (`<img/src…>`) then reached the sanitizer as markup, so the text vanished and a third-party image
 * loaded. Then script URLs written as Markdown, which only the sanitizer stops.
 */
const PROBES = [
  'x <code><img/src=//evil.example/pixel.png> y',
  'a <kbd><img/src/onerror=alert(1)>b',
  '<pre><svg/onload=alert(1)></pre> <script>x</script <b>',
  '[click me](javascript:alert(1)) [me too]( JaVaScRiPt:alert(2) )',
  '<javascript:alert(3)> and [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)',
];

const ORIGIN = 'http://parley.test/';
const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>xss</title></head><body><div id="messages"></div></body></html>';
const BATCH = 500;

interface HarnessWindow {
  __xss: number;
  __xssReport(call: string): void;
  ParleyRender: { setMarkdown(el: HTMLElement, text: string): void };
}

interface Finding {
  index: number;
  detail: string;
}

interface Audit {
  handlers: Finding[];
  scriptUrls: Finding[];
  activeElements: Finding[];
  empty: Finding[];
  textLoss: Finding[];
  messages: number;
  elements: number;
  stubCalls: number;
}

function readCorpus(): string[] {
  const lines = corpusText('xss/xss-payload-list.txt').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

let browser: Browser;
let disposeBrowser: () => Promise<void>;
let bundle: string;

beforeAll(async () => {
  bundle = await bundleRenderer();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await disposeBrowser?.();
});

/** What the page did, recorded in Node so that it survives the page navigating away. */
interface Harness {
  context: BrowserContext;
  page: Page;
  calls: string[];
  dialogs: string[];
  pageErrors: string[];
  navigations: string[];
  popups: number;
  requests: string[];
  console: string[];
}

/**
 * A page at a fake origin (served by the route, so nothing touches the network) with every detector
 * installed before any content exists, and the renderer bundle loaded.
 */
async function openHarness(): Promise<Harness> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const h: Harness = {
    context,
    page,
    calls: [],
    dialogs: [],
    pageErrors: [],
    navigations: [],
    popups: 0,
    requests: [],
    console: [],
  };
  let loaded = false;
  await context.route('**/*', async (route) => {
    if (!loaded && route.request().url() === ORIGIN) await route.fulfill({ contentType: 'text/html', body: PAGE });
    else await route.abort();
  });
  context.on('page', (opened) => {
    if (opened !== page) h.popups++;
  });
  page.on('request', (request) => {
    if (loaded && !request.url().startsWith('data:')) h.requests.push(request.url());
  });
  page.on('framenavigated', (frame) => {
    if (loaded) h.navigations.push(frame.url());
  });
  page.on('dialog', (dialog) => {
    h.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => h.pageErrors.push(error.message));
  page.on('console', (message) => h.console.push(`${message.type()}: ${message.text()}`));
  await page.exposeFunction('__xssReport', (call: string) => h.calls.push(call));
  await context.addInitScript(() => {
    const w = window as unknown as HarnessWindow;
    w.__xss = 0;
    for (const name of ['alert', 'confirm', 'prompt', 'print'] as const) {
      Object.defineProperty(window, name, {
        configurable: false,
        writable: false,
        value: (...args: unknown[]) => {
          w.__xss++;
          w.__xssReport(`${name}(${args.map(String).join(', ')})`);
          return null;
        },
      });
    }
  });
  await page.goto(ORIGIN);
  loaded = true;
  await page.addScriptTag({ content: bundle });
  return h;
}

/** In the page: renders each text into its own message element with the real setMarkdown. */
function renderBatch({ batch, offset }: { batch: string[]; offset: number }): Finding[] {
  const renderer = (window as unknown as HarnessWindow).ParleyRender;
  const list = document.getElementById('messages')!;
  const failed: Finding[] = [];
  batch.forEach((text, i) => {
    // As the message list does: render into a fresh element, then insert it.
    const el = document.createElement('div');
    el.className = 'msg';
    el.dataset['index'] = String(offset + i);
    try {
      renderer.setMarkdown(el, text);
    } catch (error) {
      failed.push({ index: offset + i, detail: `setMarkdown threw ${String(error)}` });
    }
    list.append(el);
  });
  return failed;
}

/** In the page: lets queued events, frames and timers run, then a second more of the page's timers. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5_000 }));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

/** In the page: everything left in the message list that could run, load or hide a payload. */
function auditMessages(texts: string[]): Audit {
  const list = document.getElementById('messages')!;
  const all = [...list.querySelectorAll('*')];
  const at = (el: Element): number => Number(el.closest<HTMLElement>('.msg')?.dataset['index'] ?? -1);
  const show = (el: Element, name: string, value: string): string => `<${el.localName} ${name}="${value}">`;

  const handlers = all.flatMap((el) =>
    [...el.attributes]
      .filter((a) => a.name.toLowerCase().startsWith('on'))
      .map((a) => ({ index: at(el), detail: show(el, a.name, a.value) })),
  );

  const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcdoc'];
  const scriptUrls = all.flatMap((el) =>
    [...el.attributes]
      .filter((a) => URL_ATTRS.includes(a.name.toLowerCase()))
      .filter((a) => {
        // Browsers ignore surrounding whitespace and control characters, and tabs or newlines inside a scheme.
        const url = [...a.value]
          .filter((c) => c.charCodeAt(0) > 0x20 && (c.charCodeAt(0) < 0x7f || c.charCodeAt(0) > 0x9f))
          .join('')
          .toLowerCase();
        return a.name === 'srcdoc' || /^(javascript|vbscript|livescript):|^data:text\/html/.test(url);
      })
      .map((a) => ({ index: at(el), detail: show(el, a.name, a.value) })),
  );

  // Elements that run, load or submit something. Raw HTML is escaped, so none can come from a payload.
  // SVG and MathML themselves are allowed (KaTeX draws with them), nothing active inside them is.
  const ACTIVE = new Set(
    (
      'script iframe frame frameset object embed applet base meta link style form input button textarea ' +
      'select template noscript video audio source portal foreignobject annotation-xml handler set animate'
    ).split(' '),
  );
  const activeElements = all
    .filter((el) => ACTIVE.has(el.localName.toLowerCase()))
    .map((el) => ({ index: at(el), detail: el.outerHTML.slice(0, 200) }));

  // "The text still visible": every letter and digit of a payload is on screen, except where Markdown
  // legitimately turns characters into something else: a link destination `[text](dest)` becomes an
  // href (or is dropped by the sanitizer), and a character reference such as `&#x61;` shows as `a`.
  // Each payload is compared with four readings of itself (as typed or with references decoded, each
  // with or without link destinations) and must be shown completely under one of them.
  const decoder = document.createElement('textarea');
  const decodeRefs = (s: string): string =>
    // Only the references marked leaves for the browser (it escapes the `&` of any other).
    s.replace(/&(?:#\d{1,7}|#[xX][a-fA-F0-9]{1,6}|\w+);/g, (ref) => {
      decoder.innerHTML = ref; // RCDATA: only ever text
      return decoder.value;
    });
  const dropDestinations = (s: string): string => s.replace(/\]\((?:[^()]|\([^()]*\))*\)/g, ']');
  const letters = (s: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const ch of s.match(/[\p{L}\p{N}]/gu) ?? []) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    return counts;
  };
  const missing = (expected: string, shown: Map<string, number>): string[] => {
    const lost: string[] = [];
    for (const [ch, n] of letters(expected)) {
      for (let k = shown.get(ch) ?? 0; k < n; k++) lost.push(ch);
    }
    return lost;
  };

  const empty: Finding[] = [];
  const textLoss: Finding[] = [];
  const messages = [...list.children] as HTMLElement[];
  messages.forEach((el, index) => {
    const payload = texts[index] ?? '';
    const visible = el.innerText;
    // A whitespace-only payload has nothing to show; the corpus has none, but the rule stays exact.
    if (payload.trim() === '') return;
    if (visible.trim() === '') {
      empty.push({ index, detail: 'renders no text' });
      return;
    }
    const shown = letters(visible);
    const losses = [payload, decodeRefs(payload)]
      .flatMap((r) => [r, dropDestinations(r)])
      .map((r) => missing(r, shown));
    if (losses.every((lost) => lost.length > 0)) {
      const fewest = losses.reduce((a, b) => (b.length < a.length ? b : a));
      textLoss.push({ index, detail: `shown as ${JSON.stringify(visible)}, missing ${fewest.join('')}` });
    }
  });

  return {
    handlers,
    scriptUrls,
    activeElements,
    empty,
    textLoss,
    messages: messages.length,
    elements: all.length,
    stubCalls: (window as unknown as HarnessWindow).__xss,
  };
}

it('the detectors see an execution when there is one (control)', async () => {
  const h = await openHarness();
  await h.page.evaluate(() => {
    const el = document.createElement('div');
    // `data:,` is not an image, so onerror fires without any request.
    el.innerHTML = '<img src="data:," onerror="alert(\'control\')">';
    document.body.append(el);
  });
  await h.page.waitForFunction(() => (window as unknown as HarnessWindow).__xss > 0);
  await expect.poll(() => h.calls).toEqual(['alert(control)']);
  expect(h.dialogs).toEqual([]);
  await h.context.close();
});

corpusIt(
  'the XSS corpus through the real renderer in Chromium: nothing runs, nothing dangerous remains, the text is shown',
  async () => {
    const corpus = readCorpus();
    expect(corpus.length).toBeGreaterThan(6_000);
    const payloads = [...corpus, ...PROBES];
    const started = Date.now();
    const h = await openHarness();

    const renderErrors: Finding[] = [];
    // If a payload takes over the page (navigates it away), the harness is gone: say which batch did it.
    let takenOver: string | null = null;
    for (let offset = 0; offset < payloads.length && takenOver === null; offset += BATCH) {
      try {
        renderErrors.push(
          ...(await h.page.evaluate(renderBatch, { batch: payloads.slice(offset, offset + BATCH), offset })),
        );
      } catch (error) {
        takenOver = `payloads #${offset}..#${offset + BATCH - 1} took the page over: ${String(error).split('\n')[0]}`;
      }
    }
    // Time for anything asynchronous (image onerror/onload, timers, animation and focus events),
    // counted on the page's own clock so a busy machine cannot cut it short: two animation frames,
    // an idle moment, then a second of the page's timers.
    await h.page.evaluate(settle);
    const audit = takenOver === null ? await h.page.evaluate(auditMessages, payloads).catch(() => null) : null;
    takenOver ??= audit === null ? 'the page navigated away after rendering' : null;

    const executions =
      h.calls.length + h.dialogs.length + h.pageErrors.length + h.popups + h.navigations.length + (takenOver ? 1 : 0);
    const dangerousAttributes = audit ? audit.handlers.length + audit.scriptUrls.length : NaN;
    console.log(
      `xss corpus: ${corpus.length} payloads + ${PROBES.length} probes rendered in Chromium in ${Date.now() - started} ms; ` +
        `executions ${executions} (stub calls ${h.calls.length}, dialogs ${h.dialogs.length}, page errors ${h.pageErrors.length}, ` +
        `popups ${h.popups}, navigations ${h.navigations.length}${takenOver ? ', page taken over' : ''}); ` +
        `dangerous attributes ${dangerousAttributes}, active elements ${audit?.activeElements.length ?? NaN}; ` +
        `empty renders ${audit?.empty.length ?? NaN}, text loss ${audit?.textLoss.length ?? NaN}; ` +
        `requests ${h.requests.length}; console messages ${h.console.length}; ${audit?.elements ?? NaN} elements`,
    );
    const first = (findings: Finding[]): string =>
      findings
        .slice(0, 10)
        .map((f) => `#${f.index} ${JSON.stringify(payloads[f.index] ?? '')}: ${f.detail}`)
        .join('\n');

    // Nothing ran.
    expect(h.calls).toEqual([]);
    expect(h.dialogs).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.popups).toBe(0);
    expect(h.navigations).toEqual([]);
    expect(takenOver).toBeNull();
    expect(renderErrors, first(renderErrors)).toEqual([]);
    if (audit === null) throw new Error('unreachable: no audit without a takeover');
    expect(audit.stubCalls).toBe(0);
    expect(audit.messages).toBe(payloads.length);
    // Nothing that could run later, on a click, hover or focus.
    expect(audit.handlers, first(audit.handlers)).toEqual([]);
    expect(audit.scriptUrls, first(audit.scriptUrls)).toEqual([]);
    expect(audit.activeElements, first(audit.activeElements)).toEqual([]);
    // Nothing fetched (raw HTML is text, so there is no <img src=//evil> to load) and nothing logged.
    expect(h.requests).toEqual([]);
    expect(h.console).toEqual([]);
    // Shown as harmless content: every payload is still there to read.
    expect(audit.empty, first(audit.empty)).toEqual([]);
    expect(audit.textLoss, first(audit.textLoss)).toEqual([]);
    expect(executions).toBe(0);
    expect(dangerousAttributes).toBe(0);

    await h.context.close();
  },
  300_000,
); // 6,600 renders in Chromium: about 10 s idle, several times that on a loaded machine
