/**
 * The last step before insertion: DOMPurify over the final HTML string. HTML, SVG (KaTeX draws
 * radicals and braces with it) and MathML (what screen readers read) are allowed, with nothing
 * scriptable: no event handlers, no javascript: or data: links, no forms, no style attributes.
 * The one input allowed is a task list's box: `<input type="checkbox" disabled>`, checked or not,
 * with no other attribute; any other `<input>` is removed.
 */
import DOMPurify, { type Config } from 'dompurify';
import { MATH_STYLE_ATTR, parseMathStyle, serializeMathStyle } from './math-style.js';

const CONFIG: Config = {
  FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'option', 'dialog', 'template'],
  FORBID_ATTR: ['style', 'id', 'name', 'formaction'],
  // KaTeX's MathML keeps the TeX source in <annotation> inside <semantics>.
  ADD_TAGS: ['semantics', 'annotation'],
  ADD_ATTR: [MATH_STYLE_ATTR, 'encoding'],
  // Otherwise DOMPurify reads "height:1em" as a URL with the scheme "height:" and drops it.
  ADD_URI_SAFE_ATTR: [MATH_STYLE_ATTR],
  ALLOW_DATA_ATTR: false,
};

const TASK_BOX_ATTRS = new Set(['type', 'checked', 'disabled']);

let installed = false;

function installHooks(): void {
  if (installed) return;
  installed = true;
  DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName !== MATH_STYLE_ATTR) return;
    // KaTeX paints its parse errors #cc0000, too dark on the dark theme: the CSS colours them.
    const usable = node.closest('.katex') !== null && !node.classList.contains('katex-error');
    const kept = usable ? parseMathStyle(data.attrValue) : [];
    if (kept.length === 0) data.keepAttr = false;
    else data.attrValue = serializeMathStyle(kept);
  });
  DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
    if (node.nodeName === 'INPUT' && !TASK_BOX_ATTRS.has(data.attrName)) data.keepAttr = false;
  });
  // A task list's box, disabled whatever the markup said; any other input goes.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'INPUT' || !(node instanceof Element)) return;
    if (node.getAttribute('type')?.toLowerCase() !== 'checkbox') node.remove();
    else node.setAttribute('disabled', '');
  });
  // Links open in a new tab without handing it our window or our URL.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof Element && node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow ugc');
    }
  });
}

export function sanitize(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, CONFIG);
}
