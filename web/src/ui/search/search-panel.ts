/**
 * The search box: a modal dialog (the search button, or Ctrl+K / ⌘K) that asks `GET /api/v1/search`
 * for the words typed, across every room I may read or (with "this room only") the open one, and
 * lists the hits newest first: room, author, time and the text with the matched words marked (as
 * text nodes and <mark>, never parsed HTML). "more" fetches the next page by its cursor. Choosing a
 * hit closes the dialog and jumps to the message in its room.
 */
import type { SearchHit } from '../../../../protocol/search.js';
import { ApiError } from '../../api.js';
import { appendHighlight } from '../../search/highlight.js';
import { searchMessages, type SearchQuery } from '../../search/api-search.js';
import { byId, el, formatDateTime, formatTime } from '../dom.js';
import { paintUser } from '../user-color.js';

export interface SearchPanelOptions {
  /** The room on screen, for "this room only". */
  shown: () => string | null;
  /** How a room is named on screen (#room, or @person for a DM). */
  label: (room: string) => string;
  jump: (room: string, messageId: string, seq: number) => void;
  onAuthFailure: () => void;
}

export interface SearchPanel {
  open(): void;
  close(): void;
}

const PAGE = 20;

export function createSearchPanel(options: SearchPanelOptions): SearchPanel {
  const dialog = byId('search-dialog', HTMLDialogElement);
  const form = byId('search-form', HTMLFormElement);
  const input = byId('search-input', HTMLInputElement);
  const thisRoom = byId('search-this-room', HTMLInputElement);
  const results = byId('search-results', HTMLOListElement);
  const status = byId('search-status', HTMLElement);
  const errorEl = byId('search-error', HTMLElement);
  const more = byId('search-more', HTMLButtonElement);
  let query: SearchQuery | null = null;
  let cursor: string | undefined;
  /** Which search an answer belongs to: a late answer to an older one is dropped. */
  let asked = 0;
  let opener: HTMLElement | null = null;

  function problem(text: string | null): void {
    errorEl.textContent = text ?? '';
    errorEl.hidden = text === null;
  }

  async function fetchPage(first: boolean): Promise<void> {
    if (query === null) return;
    const mine = ++asked;
    more.disabled = true;
    dialog.setAttribute('aria-busy', 'true');
    try {
      const answer = await searchMessages({ ...query, limit: PAGE, ...(first ? {} : { cursor }) });
      if (mine !== asked) return;
      if (first) results.replaceChildren();
      for (const hit of answer.hits) results.append(hitItem(hit));
      cursor = answer.nextCursor;
      more.hidden = cursor === undefined;
      const count = results.childElementCount;
      status.textContent =
        count === 0 ? 'Nothing found.' : `${count} message${count === 1 ? '' : 's'}${cursor ? ' so far' : ''}.`;
      problem(null);
    } catch (err) {
      if (mine !== asked) return;
      if (err instanceof ApiError && err.isAuthFailure) return options.onAuthFailure();
      problem(err instanceof Error ? err.message : 'Search failed.');
    } finally {
      if (mine === asked) {
        more.disabled = false;
        dialog.removeAttribute('aria-busy');
      }
    }
  }

  function hitItem(hit: SearchHit): HTMLLIElement {
    const m = hit.message;
    const li = el('li', 'search-hit');
    const button = el('button', 'search-hit-button');
    button.type = 'button';
    button.dataset['id'] = m.id;
    button.dataset['room'] = m.room;
    const head = el('span', 'search-hit-head');
    const time = el('time', 'time', `${formatTime(m.createdAt)}`);
    time.dateTime = m.createdAt;
    time.title = formatDateTime(m.createdAt);
    const author = el('span', 'author', m.user.username);
    paintUser(author, m.user.color);
    head.append(el('span', 'search-hit-room', options.label(m.room)), time, author);
    const text = el('span', 'search-hit-text');
    appendHighlight(text, hit.highlight);
    if (m.files !== undefined && m.files.length > 0) {
      text.append(el('span', 'dim', ` ▤ ${m.files.map((f) => f.name).join(', ')}`));
    }
    button.append(head, text);
    button.addEventListener('click', () => {
      opener = null; // focus goes to the message, not back to the search button
      dialog.close();
      options.jump(m.room, m.id, m.seq);
    });
    li.append(button);
    return li;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (q === '') return;
    const room = options.shown();
    query = thisRoom.checked && room !== null ? { q, room } : { q };
    cursor = undefined;
    status.textContent = 'searching…';
    void fetchPage(true);
  });
  more.addEventListener('click', () => void fetchPage(false));
  byId('search-close', HTMLButtonElement).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
  });
  byId('search-btn', HTMLButtonElement).addEventListener('click', () => panel.open());
  document.addEventListener('keydown', (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === 'k' && !byId('chat', HTMLElement).hidden) {
      ev.preventDefault();
      panel.open();
    }
  });

  const panel: SearchPanel = {
    open() {
      if (!dialog.open) {
        opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        thisRoom.disabled = options.shown() === null;
        dialog.showModal();
      }
      input.focus();
      input.select();
    },
    close() {
      if (dialog.open) dialog.close();
      asked++;
      query = null;
      input.value = '';
      results.replaceChildren();
      status.textContent = '';
      more.hidden = true;
      problem(null);
    },
  };
  return panel;
}
