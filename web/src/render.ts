/**
 * Markdown → sanitized HTML. Message text is untrusted: marked (GFM) turns it into HTML, with
 * highlight.js for fenced code and KaTeX for `$…$` / `$$…$$`; DOMPurify runs last, on the final
 * string, right before it is inserted. Nothing else in the client assigns innerHTML.
 *
 * Raw HTML typed into a message is shown as text, as chat users expect (`<b>` stays `<b>`).
 * That also keeps hostile attributes out of the string DOMPurify parses: even an inert parse of
 * `onerror=` makes Chrome report a CSP violation.
 *
 * GFM task lists (`- [x] done`) show as disabled checkboxes, the only `<input>` the sanitizer lets
 * through. Images are never loaded: each becomes a link card naming its host (render/image-card.ts).
 *
 * One message can never freeze the tab: the text is capped before parsing, every formula is
 * bounded (length, count, macro expansion) and large code blocks are not highlighted.
 */
import { Marked } from 'marked';
import { escapeHtml } from './render/escape.js';
import { renderCode } from './render/highlight.js';
import { imageCard } from './render/image-card.js';
import { applyMathStyles } from './render/math-style.js';
import { mathExtensions, resetMathBudget } from './render/math.js';
import { sanitize } from './render/purify.js';

/** Characters rendered per message; the server's own limit is 4000 by default. */
export const MAX_RENDER_CHARS = 8000;

const marked = new Marked({
  gfm: true,
  breaks: true,
  extensions: mathExtensions,
  renderer: {
    html({ text, block }) {
      const escaped = escapeHtml(text.replace(/\n+$/, ''));
      return block ? `<p>${escaped.replace(/\n/g, '<br>')}</p>\n` : escaped;
    },
    code({ text, lang }) {
      return renderCode(text, lang);
    },
    image({ href, text }) {
      return imageCard(href, text);
    },
  },
  // After an inline <pre>, <code>, <kbd> or <script> tag, marked marks the text that follows as raw
  // (`escaped: true`) and copies it out verbatim, expecting the tag to pass through as HTML. Ours is
  // escaped above, so that text is escaped too: `<code><img/src=//x>` stays text, not an <img>.
  walkTokens(token) {
    if (token.type === 'text' && token.escaped) token.escaped = false;
  },
});

function cap(text: string): string {
  if (text.length <= MAX_RENDER_CHARS) return text;
  // Do not split a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(MAX_RENDER_CHARS - 1)) ? MAX_RENDER_CHARS - 1 : MAX_RENDER_CHARS;
  return `${text.slice(0, end)}…`;
}

export function renderMarkdown(text: string): string {
  resetMathBudget();
  const html = marked.parse(cap(text), { async: false });
  return sanitize(html);
}

/** Puts rendered Markdown into an element; the only innerHTML assignment in the client. */
export function setMarkdown(el: HTMLElement, text: string): void {
  el.innerHTML = renderMarkdown(text);
  applyMathStyles(el);
}

/** The sanitizer alone, for tests that hand it markup the Markdown step would never produce. */
export { sanitize } from './render/purify.js';
