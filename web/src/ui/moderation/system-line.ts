/**
 * Moderation in the message list: each kick, ban, mute, role or mode change is a line of its own,
 * in its place by seq (before the first message after it, or at the end), like the date lines.
 */
import type { User } from '../../../../protocol/frames.js';
import { noteText } from '../../moderation/words.js';
import type { NoteEvent } from '../../state/moderation.js';
import { el, formatDateTime, formatTime } from '../dom.js';

/** The notes with `after < seq < before`, in order (the list holds a few hundred at most). */
export function notesBetween(notes: readonly NoteEvent[], after: number, before: number): NoteEvent[] {
  return notes.filter((n) => n.seq > after && n.seq < before);
}

/** What identifies a run of notes, so an unchanged run is not drawn again. */
export function notesKey(notes: readonly NoteEvent[]): string {
  return notes.map((n) => n.seq).join(',');
}

export function systemLine(note: NoteEvent, me: User | null): HTMLLIElement {
  const li = el('li', 'system-line');
  li.dataset['kind'] = note.kind;
  li.dataset['seq'] = String(note.seq);
  const time = el('time', 'time dim', formatTime(note.at));
  time.dateTime = note.at;
  time.title = formatDateTime(note.at);
  li.append(time, el('span', 'system-text', ` ${noteText(note, me)}`));
  return li;
}

/** The lines after the newest message held, drawn at the end of the list (before my outbox). */
export interface TailLines {
  /** Draws `notes` right after `after` (the list's start when null), unless they are there already. */
  draw(notes: readonly NoteEvent[], after: HTMLLIElement | null, me: User | null): void;
  /** The last line drawn, if any. */
  last(): HTMLLIElement | undefined;
  clear(): void;
}

export function createTailLines(list: HTMLElement): TailLines {
  let key = '';
  let nodes: HTMLLIElement[] = [];
  const clear = (): void => {
    for (const node of nodes) node.remove();
    key = '';
    nodes = [];
  };
  return {
    draw(notes, after, me) {
      const next = notesKey(notes);
      if (next === key && (nodes.length === 0 || nodes[0]!.previousSibling === after)) return;
      clear();
      nodes = notes.map((note) => systemLine(note, me));
      if (after === null) list.prepend(...nodes);
      else after.after(...nodes);
      key = next;
    },
    last: () => nodes.at(-1),
    clear,
  };
}
