/**
 * Mention autocomplete for the composer: `@` and the start of a name opens a listbox of people
 * (room members, who is online, who wrote here); ↑/↓ choose, Enter or Tab completes, Escape closes.
 * The textarea keeps focus throughout (aria-activedescendant names the option).
 */
import type { User } from '../../../protocol/frames.js';
import { el } from './dom.js';
import { paintUser } from './user-color.js';

const MAX_SHOWN = 8;
/** `@` at the start or after a space, then the name typed so far, right before the caret. */
const TYPING_MENTION = /(?:^|\s)@([A-Za-z0-9_]{0,32})$/;

export interface MentionComplete {
  /** Handles a key in the textarea; true if it was the autocomplete's. */
  keydown(ev: KeyboardEvent): boolean;
  /** The text or caret changed: open, filter or close. */
  refresh(): void;
  close(): void;
  readonly isOpen: boolean;
}

export function bindMentionComplete(
  textarea: HTMLTextAreaElement,
  listbox: HTMLUListElement,
  candidates: () => readonly User[],
): MentionComplete {
  let shown: User[] = [];
  let active = 0;
  let query: { start: number; end: number } | null = null;

  function close(): void {
    shown = [];
    query = null;
    listbox.hidden = true;
    listbox.replaceChildren();
    textarea.removeAttribute('aria-activedescendant');
    textarea.setAttribute('aria-expanded', 'false');
  }

  function render(): void {
    listbox.replaceChildren(
      ...shown.map((u, i) => {
        const li = el('li', i === active ? 'mention-option active' : 'mention-option', `@${u.username}`);
        li.id = `mention-option-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === active));
        li.dataset['username'] = u.username;
        paintUser(li, u.color);
        // pointerdown, not click: the textarea must not lose focus first.
        li.addEventListener('pointerdown', (ev) => {
          ev.preventDefault();
          complete(i);
        });
        return li;
      }),
    );
    listbox.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    textarea.setAttribute('aria-activedescendant', `mention-option-${active}`);
  }

  function complete(index: number): void {
    const user = shown[index];
    if (user === undefined || query === null) return;
    const before = textarea.value.slice(0, query.start);
    const after = textarea.value.slice(query.end);
    const insert = `@${user.username} `;
    textarea.value = before + insert + after.replace(/^ /, '');
    const caret = before.length + insert.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  return {
    get isOpen() {
      return !listbox.hidden;
    },
    close,
    refresh() {
      const caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) return close();
      const match = TYPING_MENTION.exec(textarea.value.slice(0, caret));
      if (match === null) return close();
      const typed = match[1]!.toLowerCase();
      const seen = new Set<string>();
      shown = candidates()
        .filter((u) => {
          const key = u.username.toLowerCase();
          if (seen.has(key) || !key.startsWith(typed)) return false;
          seen.add(key);
          return true;
        })
        .slice(0, MAX_SHOWN);
      if (shown.length === 0) return close();
      query = { start: caret - typed.length - 1, end: caret };
      active = Math.min(active, shown.length - 1);
      render();
    },
    keydown(ev) {
      if (listbox.hidden || shown.length === 0) return false;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        active = (active + (ev.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
        render();
      } else if ((ev.key === 'Enter' && !ev.shiftKey) || ev.key === 'Tab') {
        complete(active);
      } else if (ev.key === 'Escape') {
        close();
      } else return false;
      ev.preventDefault();
      return true;
    },
  };
}
