/**
 * Fenced code, highlighted by highlight.js core with a chosen set of languages (each registered
 * on its own, so the bundle carries only these). No auto-detection: it would run every grammar
 * over every block. An unknown or missing language is shown as plain, escaped code.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { escapeHtml } from './escape.js';

const LANGUAGES = { bash, css, diff, go, javascript, json, markdown, python, rust, sql, typescript, xml, yaml };
for (const [name, fn] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, fn);

/** Larger blocks are shown without colours: highlighting is linear but not free. */
export const MAX_HIGHLIGHT_CHARS = 20_000;

/** The registered name for a fence's info string ("ts", "TypeScript", "sh"), or undefined. */
export function languageOf(info: string | undefined): string | undefined {
  const word = (info ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[a-z0-9_+#-]{1,20}$/.test(word)) return undefined;
  const lang = hljs.getLanguage(word);
  if (lang === undefined) return undefined;
  return Object.keys(LANGUAGES).find((name) => hljs.getLanguage(name) === lang);
}

export function renderCode(code: string, info: string | undefined): string {
  const lang = languageOf(info);
  const text = code.replace(/\n$/, '');
  if (lang === undefined || text.length > MAX_HIGHLIGHT_CHARS) {
    return `<pre><code class="hljs">${escapeHtml(text)}</code></pre>\n`;
  }
  const html = hljs.highlight(text, { language: lang, ignoreIllegals: true }).value;
  return `<pre><code class="hljs language-${lang}">${html}</code></pre>\n`;
}
