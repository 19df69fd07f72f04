/**
 * KaTeX positions its boxes with `style="…"` attributes, which a strict CSP (no 'unsafe-inline')
 * refuses. So its `style` becomes `data-kstyle` before any HTML parser sees it, DOMPurify keeps
 * only declarations that fit a short list of properties and plain values, and after insertion
 * they are applied through CSSOM (`style.setProperty`), which CSP does not block and which cannot
 * smuggle in another property. The CSP stays strict: no inline style of any kind is allowed.
 */
export const MATH_STYLE_ATTR = 'data-kstyle';

const PROPERTIES = new Set([
  'height',
  'width',
  'min-width',
  'top',
  'bottom',
  'left',
  'vertical-align',
  'margin',
  'margin-left',
  'margin-right',
  'padding-left',
  'position',
  'border',
  'border-style',
  'border-width',
  'border-color',
  'border-top-width',
  'border-bottom-width',
  'border-right-width',
  'border-right-style',
  'color',
  'background-color',
]);

// One token: a bounded number with an optional unit, a keyword, or a hex colour. No parentheses,
// so no url(), no expression(), no var(); at most four tokens (the `margin`/`border` shorthands).
const TOKEN = String.raw`(?:-?(?:\d{1,5}(?:\.\d{1,6})?|\.\d{1,6})(?:em|ex|px|pt|%)?|[a-z]{3,20}|#[0-9a-f]{3,8})`;
const VALUE = new RegExp(`^${TOKEN}(?: ${TOKEN}){0,3}$`, 'i');
const MAX_DECLARATIONS = 12;

/** The allowed declarations of a KaTeX style string, in order; anything else is dropped. */
export function parseMathStyle(style: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const property = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (!PROPERTIES.has(property) || !VALUE.test(value)) continue;
    if (property === 'position' && value !== 'relative') continue;
    out.push([property, value]);
    if (out.length >= MAX_DECLARATIONS) break;
  }
  return out;
}

export function serializeMathStyle(declarations: [string, string][]): string {
  return declarations.map(([p, v]) => `${p}:${v}`).join(';');
}

/** Applies the kept declarations through CSSOM and removes the carrier attribute. */
export function applyMathStyles(root: Element): void {
  for (const node of root.querySelectorAll(`[${MATH_STYLE_ATTR}]`)) {
    const value = node.getAttribute(MATH_STYLE_ATTR) ?? '';
    node.removeAttribute(MATH_STYLE_ATTR);
    if (!(node instanceof HTMLElement || node instanceof SVGElement || node instanceof MathMLElement)) continue;
    if (node.closest('.katex') === null) continue;
    for (const [property, v] of parseMathStyle(value)) node.style.setProperty(property, v);
  }
}
