import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { bundleRenderer } from '../helpers/render-bundle.js';

const CORPUS = new URL('../../../../shared/corpora/xss/xss-payload-list.txt', import.meta.url);

let browser: Browser;
let disposeBrowser: () => Promise<void>;
let bundle: string;

beforeAll(async () => {
  bundle = await bundleRenderer();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
}, 60_000);
afterAll(async () => {
  await disposeBrowser?.();
});

it('explore', async () => {
  const payloads = readFileSync(CORPUS, 'utf8').split('\n');
  if (payloads.at(-1) === '') payloads.pop();
  payloads.push('x <code><img/src=//evil.example/px.png> y', 'a <kbd><img/src/onerror=alert(1)>b', '<pre><svg/onload=alert(1)>');
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  const requests: string[] = [];
  await context.route('**/*', async (route) => {
    if (route.request().url() === 'http://parley.test/') {
      await route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="c"></div></body></html>',
      });
    } else {
      requests.push(route.request().url());
      await route.abort();
    }
  });
  await page.goto('http://parley.test/');
  await page.addScriptTag({ content: bundle });
  const t0 = Date.now();
  for (let i = 0; i < payloads.length; i += 500) {
    await page.evaluate(
      (batch) => {
        const c = document.getElementById('c')!;
        for (const t of batch) {
          const el = document.createElement('div');
          el.className = 'msg';
          (window as any).ParleyRender.setMarkdown(el, t);
          c.append(el);
        }
      },
      payloads.slice(i, i + 500),
    );
  }
  console.log('render ms', Date.now() - t0);
  const res = await page.evaluate((payloads) => {
    const ta = document.createElement('textarea');
    const els = [...document.querySelectorAll('#c > .msg')] as HTMLElement[];
    const tags: Record<string, number> = {};
    for (const e of document.querySelectorAll('#c *')) tags[e.localName] = (tags[e.localName] ?? 0) + 1;
    const count = (s: string) => {
      const m = new Map<string, number>();
      for (const ch of s.match(/[\p{L}\p{N}]/gu) ?? []) m.set(ch, (m.get(ch) ?? 0) + 1);
      return m;
    };
    const ratio = (exp: string, got: string) => {
      const a = count(exp),
        b = count(got);
      let tot = 0,
        ok = 0;
      for (const [k, v] of a) {
        tot += v;
        ok += Math.min(v, b.get(k) ?? 0);
      }
      return tot === 0 ? 1 : ok / tot;
    };
    return els
      .map((e, i) => {
        const p = payloads[i]!;
        ta.innerHTML = p;
        const text = e.innerText;
        return { p, text, tc: e.textContent, html: e.innerHTML, r: Math.max(ratio(p, text), ratio(ta.value, text)) };
      })
      .concat([{ p: 'TAGS', text: JSON.stringify(tags), tc: '', html: '', r: 1 }]);
  }, payloads);
  writeFileSync('/tmp/xss/explore.json', JSON.stringify({ res, requests }, null, 1));
  expect(existsSync(CORPUS)).toBe(true);
});
