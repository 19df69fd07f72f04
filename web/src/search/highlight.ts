/**
 * A search hit's text with its matched words marked. The server puts each match between
 * HIGHLIGHT_START and HIGHLIGHT_END (private-use characters, never HTML), and its text is the
 * message's, untrusted. `highlightParts` splits it into plain and marked runs; `appendHighlight`
 * puts them into an element as text nodes and `<mark>` elements, so no HTML is ever parsed from it
 * (stricter than escaping first and then writing `<mark>` into an HTML string). A start mark with no
 * partner ends at the end of the text; stray end marks and nested starts are dropped.
 */

/**
 * protocol/search.ts's HIGHLIGHT_START and HIGHLIGHT_END, written out here: that module holds zod
 * schemas, and the web client never bundles zod (its runtime compiles code, which our CSP refuses).
 * web/test/files-search.test.ts checks the two agree.
 */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

export interface HighlightPart {
  readonly text: string;
  readonly marked: boolean;
}

export function highlightParts(highlight: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let marked = false;
  let run = '';
  const flush = (): void => {
    if (run === '') return;
    const last = parts.at(-1);
    if (last?.marked === marked) parts[parts.length - 1] = { text: last.text + run, marked };
    else parts.push({ text: run, marked });
    run = '';
  };
  for (const ch of highlight) {
    if (ch === HIGHLIGHT_START || ch === HIGHLIGHT_END) {
      const next = ch === HIGHLIGHT_START;
      if (next === marked) continue;
      flush();
      marked = next;
    } else run += ch;
  }
  flush();
  return parts;
}

/** The hit into an element, as text nodes and `<mark>` elements (textContent only). */
export function appendHighlight(into: HTMLElement, highlight: string): void {
  for (const part of highlightParts(highlight)) {
    if (!part.marked) into.append(document.createTextNode(part.text));
    else {
      const mark = document.createElement('mark');
      mark.textContent = part.text;
      into.append(mark);
    }
  }
}
