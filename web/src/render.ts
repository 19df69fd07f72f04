/**
 * Markdown → sanitized HTML. Message text is untrusted: marked turns it into HTML, and DOMPurify
 * runs last, on the final string, right before it is inserted. Nothing else in the client
 * assigns innerHTML.
 *
 * Raw HTML typed into a message is shown as text, as chat users expect (`<b>` stays `<b>`).
 * That also keeps hostile attributes out of the string DOMPurify parses: even an inert parse of
 * `onerror=` makes Chrome report a CSP violation.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const marked = new Marked({
  renderer: {
    html({ text, block }) {
      const escaped = escapeHtml(text.replace(/\n+$/, ''));
      return block ? `<p>${escaped.replace(/\n/g, '<br>')}</p>\n` : escaped;
    },
  },
  // After an inline <pre>, <code>, <kbd> or <script>, marked marks the following text as already
  // escaped (`escaped: true`) and copies it out verbatim, expecting the tag to pass through as HTML. Ours is
  // escaped above, so that text is escaped too: `<code><img/src=//x>` stays text, not an <img>.
  walkTokens(token) {
    if (token.type === 'text' && token.escaped) token.escaped = false;
  },
});

const PURIFY_CONFIG = {
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
  FORBID_ATTR: ['style', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
};

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Links open in a new tab without handing it our window or our URL.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow ugc');
    }
  });
}

export function renderMarkdown(text: string): string {
  installHooks();
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, PURIFY_CONFIG);
}

/** Puts rendered Markdown into an element; the only innerHTML assignment in the client. */
export function setMarkdown(el: HTMLElement, text: string): void {
  el.innerHTML = renderMarkdown(text);
}
