/**
 * `$…$` (inline) and `$$…$$` (display) math for marked, typeset by KaTeX with `trust: false`
 * (no \href, \url, \includegraphics, \html*), bounded input and bounded macro expansion, so one
 * message can never keep the tab busy.
 */
import katex from 'katex';
import type { TokenizerAndRendererExtension } from 'marked';
import { escapeHtml } from './escape.js';
import { MATH_STYLE_ATTR } from './math-style.js';

/** Longest TeX source typeset; longer is shown as code. */
export const MAX_MATH_CHARS = 1000;
/** Most formulas typeset per message; the rest are shown as code. */
export const MAX_MATH_PER_MESSAGE = 40;

const OPTIONS = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  maxExpand: 200,
  maxSize: 10,
  output: 'htmlAndMathml',
} as const;

let budget = MAX_MATH_PER_MESSAGE;

/** Called before each message: every message gets the same allowance of formulas. */
export function resetMathBudget(): void {
  budget = MAX_MATH_PER_MESSAGE;
}

export function renderMath(tex: string, displayMode: boolean): string {
  if (tex.length > MAX_MATH_CHARS || budget <= 0) return fallback(tex, displayMode);
  budget--;
  let html: string;
  try {
    html = katex.renderToString(tex, { ...OPTIONS, displayMode });
  } catch {
    return fallback(tex, displayMode);
  }
  // KaTeX escapes every attribute value and every text node ('"' becomes &quot;), so ` style="`
  // can only be an attribute here. Renamed before any parser (or CSP) sees it; see math-style.ts.
  return html.replaceAll(' style="', ` ${MATH_STYLE_ATTR}="`);
}

function fallback(tex: string, displayMode: boolean): string {
  const code = `<code class="math-source">${escapeHtml(displayMode ? `$$${tex}$$` : `$${tex}$`)}</code>`;
  return displayMode ? `<p>${code}</p>` : code;
}

interface MathToken {
  type: 'inlineMath' | 'blockMath';
  raw: string;
  text: string;
  display: boolean;
}

// Opening `$` not followed by a space, closing `$` not preceded by one nor followed by a digit
// ("$5 and $10" stays text). Linear: the two alternatives cannot overlap.
const INLINE = /^\$(?!\s)((?:\\[\s\S]|[^\\$\n])+?)(?<!\s)\$(?!\d)/;
const INLINE_DISPLAY = /^\$\$((?:\\[\s\S]|[^\\$])+?)\$\$/;
const BLOCK = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/;

export const mathExtensions: TokenizerAndRendererExtension[] = [
  {
    name: 'blockMath',
    level: 'block',
    start: (src) => src.match(/^ {0,3}\$\$/m)?.index,
    tokenizer(src) {
      const m = BLOCK.exec(src);
      if (!m) return undefined;
      return { type: 'blockMath', raw: m[0], text: (m[1] ?? '').trim(), display: true } satisfies MathToken;
    },
    renderer: (token) => `<div class="math-display">${renderMath(String(token['text']), true)}</div>\n`,
  },
  {
    name: 'inlineMath',
    level: 'inline',
    start: (src) => (src.indexOf('$') >= 0 ? src.indexOf('$') : undefined),
    tokenizer(src) {
      const display = INLINE_DISPLAY.exec(src);
      const m = display ?? INLINE.exec(src);
      if (!m) return undefined;
      return {
        type: 'inlineMath',
        raw: m[0],
        text: (m[1] ?? '').trim(),
        display: display !== null,
      } satisfies MathToken;
    },
    renderer: (token) => renderMath(String(token['text']), token['display'] === true),
  },
];
