/**
 * `@name` in a rendered message becomes a highlighted span — `.mention-me` when it names me. Works
 * on the sanitized DOM, text node by text node (never on HTML strings), and leaves code alone.
 */
import { Limits } from '../../../protocol/limits.js';

const NAME = /(^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;
const SKIP = 'code, pre, a, .katex';

export function highlightMentions(root: HTMLElement, myName: string | undefined): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found: Text[] = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = node as Text;
    if (text.data.includes('@') && !text.parentElement?.closest(SKIP)) found.push(text);
  }
  const me = myName?.toLowerCase();
  for (const text of found) {
    const parts: Node[] = [];
    let last = 0;
    for (const match of text.data.matchAll(NAME)) {
      const name = match[2]!;
      if (!Limits.USERNAME_PATTERN.test(name)) continue;
      const start = match.index + match[1]!.length;
      if (start > last) parts.push(document.createTextNode(text.data.slice(last, start)));
      const span = document.createElement('span');
      span.className = name.toLowerCase() === me ? 'mention mention-me' : 'mention';
      span.textContent = `@${name}`;
      parts.push(span);
      last = start + name.length + 1;
    }
    if (parts.length === 0) continue;
    if (last < text.data.length) parts.push(document.createTextNode(text.data.slice(last)));
    text.replaceWith(...parts);
  }
}
