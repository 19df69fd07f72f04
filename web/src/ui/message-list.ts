/**
 * The message list: a window of the room's stored messages (by seq), then my outbox. However long
 * the room's history, at most `WINDOW_MAX` messages are in the DOM: while the person follows the
 * end, the oldest leave as new ones arrive; scrolling up (or ↑, or "load older") brings earlier
 * ones back, from memory first and then from the server; scrolling down brings the later ones back.
 *
 * An update costs the same whatever the history length: the window is found by seq (a binary
 * search) and compared with what is drawn by identity (the reducer gives a changed message a new
 * object), so only new and changed messages are drawn. Layout is read only when something above the
 * viewport changes (to keep what the person reads still); following the end scrolls once a frame.
 * Dates between days, moderation lines (kicks, bans, mutes, modes) and the "new messages" line sit
 * before the message after them; moderation after the newest message sits at the end.
 *
 * From the keyboard: the list takes focus with Tab, ↑/↓ (and Home/End) move between messages, and
 * the focused message's toolbar joins the Tab order; R replies, + reacts, E edits, Delete deletes.
 */
import type { Message, User } from '../../../protocol/frames.js';
import type { PendingMessage, RoomState } from '../state.js';
import { HELD_MAX } from '../state/messages.js';
import { el } from './dom.js';
import { indexOfSeq, marksBefore, unreadFrom } from './message-marks.js';
import { outgoingItem, storedItem, type MessageActions } from './message-item.js';
import { createTailLines, notesBetween, notesKey, systemLine } from './moderation/system-line.js';
import type { NoteEvent } from '../state/moderation.js';

export interface MessageListHandlers extends MessageActions {
  onLoadOlder: () => void;
  /** The person scrolled (to the bottom or away from it). */
  onScroll: () => void;
  /** Escape or Tab out of the list: back to the composer. */
  onLeave: () => void;
  /** The person follows the end of a room holding many messages: older ones may leave memory. */
  onTrim: () => void;
}

export interface MessageList {
  update(
    name: string,
    room: RoomState | undefined,
    pending: readonly PendingMessage[],
    me: User | null,
    online: boolean,
    /** I may delete anyone's message here. */
    moderator?: boolean,
  ): void;
  scrollToEnd(): void;
  /** Scrolls to a message and marks it for a moment; false if it is not held. */
  reveal(messageId: string): boolean;
  atBottom(): boolean;
  clear(): void;
}

/** Messages in the DOM at most. */
export const WINDOW_MAX = 300;
/** Messages drawn when a room opens, and added at a time when scrolling back. */
const PAGE = 100;
const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 120;
const FLASH_MS = 1600;
/** A scroll this soon after the person's input is theirs. */
const INPUT_MS = 1000;

interface Entry {
  message: Message;
  node: HTMLLIElement;
  /** The date line and "new messages" line before it, and what they say. */
  marks: HTMLLIElement[];
  marksKey: string;
}

interface Outgoing {
  key: string;
  node: HTMLLIElement;
  from: unknown;
}

export function createMessageList(
  list: HTMLOListElement,
  scroller: HTMLElement,
  olderBtn: HTMLButtonElement,
  startMarker: HTMLElement,
  handlers: MessageListHandlers,
): MessageList {
  /** The room's messages as the state holds them, and the window of them drawn: held[lo..lo+shown.length). */
  let held: readonly Message[] = [];
  let shown: Entry[] = [];
  const byId = new Map<string, Entry>();
  let outgoing: Outgoing[] = [];
  /** The window reaches the newest message held (so the outbox is drawn after it). */
  let atTail = true;
  /** The person is at the end and wants to stay there as messages arrive. */
  let following = true;
  let hasOlder = false;
  /** Whether the room's state has arrived (a `joined` answer). */
  let roomKnown = false;
  let me: User | null = null;
  let moderator = false;
  /** The room's moderation lines, and those drawn after the newest message. */
  let notes: readonly NoteEvent[] = [];
  const tail = createTailLines(list);
  /** The read seq after which the "new messages" line goes, fixed when the room opens; undefined until then. */
  let readFrom: number | undefined;
  let last: { name: string; pending: readonly PendingMessage[]; online: boolean } = {
    name: '',
    pending: [],
    online: false,
  };
  /** The scrollTop our own scroll to the end left, to tell its scroll event from the person's. */
  let ownTop = -1;
  let frame = 0;

  olderBtn.addEventListener('click', () => extendUp());
  /** When the person last touched the scroller (wheel, touch, pointer, key). */
  let lastInput = -Infinity;
  const touched = (): void => {
    lastInput = performance.now();
  };
  for (const type of ['wheel', 'touchmove', 'pointerdown', 'keydown'] as const) {
    scroller.addEventListener(type, touched, { passive: true });
  }
  scroller.addEventListener(
    'scroll',
    () => {
      const top = scroller.scrollTop;
      const nearBottom = scroller.scrollHeight - top - scroller.clientHeight < NEAR_BOTTOM_PX;
      // Away from the end only by the person's doing (or all the way up): the list shrinking under
      // a busy stream also moves scrollTop, and must not stop the following.
      const leaving = top < NEAR_TOP_PX || performance.now() - lastInput < INPUT_MS;
      if (Math.abs(top - ownTop) >= 1 && (nearBottom || leaving)) following = atTail && nearBottom;
      if (top < NEAR_TOP_PX) extendUp();
      else if (!atTail && nearBottom) extendDown();
      handlers.onScroll();
    },
    { passive: true },
  );

  const lo = (): number => (shown.length === 0 ? held.length : indexOfSeq(held, shown[0]!.message.seq));
  const items = (): HTMLLIElement[] => [...list.querySelectorAll<HTMLLIElement>(':scope > li.message')];
  const firstNode = (e: Entry): HTMLLIElement => e.marks[0] ?? e.node;

  function focusItem(li: HTMLLIElement | undefined): void {
    if (li === undefined) return;
    li.focus();
    li.scrollIntoView({ block: 'nearest' });
  }

  function drawMarks(entry: Entry, before: Message | undefined, now: Date): void {
    const marks = marksBefore(entry.message, before, hasOlder, readFrom ?? Infinity, now);
    const lines = notesBetween(notes, before?.seq ?? -Infinity, entry.message.seq);
    const key = `${marks.day ?? ''}|${marks.unread}|${notesKey(lines)}`;
    if (key === entry.marksKey) return;
    for (const node of entry.marks) node.remove();
    entry.marks = [];
    if (marks.day !== null) entry.marks.push(separator('day-separator', marks.day));
    for (const note of lines) entry.marks.push(systemLine(note, me));
    if (marks.unread) entry.marks.push(separator('unread-divider', 'new messages'));
    entry.node.before(...entry.marks);
    entry.marksKey = key;
  }

  function drop(entry: Entry): void {
    for (const node of entry.marks) node.remove();
    entry.node.remove();
    byId.delete(entry.message.id);
  }

  /**
   * Draws held[from..to) and nothing else of the stored messages: entries still in range are kept
   * (redrawn if their message changed), the others leave, new ones come in at their place. When the
   * first message drawn changes and the person is not following the end, what they were reading
   * stays where it was on screen.
   */
  function show(from: number, to: number): void {
    // The first drawn message that stays: if anything comes or goes above it, it must not move.
    const firstSeq = held[from]?.seq ?? Infinity;
    const keep = following ? undefined : shown.find((e) => e.message.seq >= firstSeq);
    const anchor = keep !== undefined && (keep !== shown[0] || held[from]!.id !== keep.message.id) ? keep : undefined;
    const anchorTop = anchor?.node.getBoundingClientRect().top;
    const now = new Date();
    const next: Entry[] = [];
    let j = 0;
    const after = (): Element | null => (shown[j] ? firstNode(shown[j]!) : (outgoing[0]?.node ?? null));
    for (let i = from; i < to; i++) {
      const m = held[i]!;
      while (j < shown.length && shown[j]!.message.seq < m.seq) drop(shown[j++]!);
      let entry = shown[j]?.message.id === m.id ? shown[j++] : undefined;
      if (entry === undefined) {
        entry = { message: m, node: storedItem(m, me, handlers, moderator), marks: [], marksKey: '|false|' };
        list.insertBefore(entry.node, after());
        byId.set(m.id, entry);
      } else if (entry.message !== m) {
        const node = storedItem(m, me, handlers, moderator);
        const hadFocus = entry.node.contains(document.activeElement);
        entry.node.replaceWith(node);
        entry.node = node;
        entry.message = m;
        // A message redrawn while it had focus keeps it.
        if (hadFocus) node.focus({ preventScroll: true });
      }
      drawMarks(entry, held[i - 1], now);
      next.push(entry);
    }
    while (j < shown.length) drop(shown[j++]!);
    shown = next;
    atTail = to >= held.length;
    if (anchor !== undefined && anchor.node.isConnected) {
      scroller.scrollTop += anchor.node.getBoundingClientRect().top - anchorTop!;
    }
    drawOutgoing();
    const start = from === 0 || shown.length === 0;
    olderBtn.hidden = !(hasOlder || !start);
    startMarker.hidden = !roomKnown || hasOlder || !start;
    schedule();
  }

  /** My outbox, after the newest message (and the moderation after it): drawn only when the window reaches it. */
  function drawOutgoing(): void {
    const after = atTail ? notesBetween(notes, held.at(-1)?.seq ?? -Infinity, Infinity) : [];
    tail.draw(after, shown.at(-1)?.node ?? null, me);
    const wanted: [string, unknown, () => HTMLLIElement][] = [];
    if (atTail) {
      for (const p of last.pending) {
        if (p.room !== last.name) continue;
        const quoted =
          p.replyTo === undefined ? undefined : (byId.get(p.replyTo)?.message ?? held.find((m) => m.id === p.replyTo));
        wanted.push([
          `p:${p.clientMsgId}:${p.status}:${last.online}`,
          quoted,
          () => outgoingItem(p, me, last.online, quoted, handlers.onRetry),
        ]);
      }
    }
    if (wanted.length === 0 && outgoing.length === 0) return;
    const old = new Map(outgoing.map((o) => [o.key, o]));
    const next: Outgoing[] = [];
    for (const [key, from, make] of wanted) {
      const o = old.get(key);
      if (o !== undefined && o.from === from) {
        old.delete(key);
        next.push(o);
      } else next.push({ key, from, node: make() });
    }
    for (const o of old.values()) o.node.remove();
    const lastDrawn = tail.last() ?? shown.at(-1)?.node;
    let cursor = lastDrawn !== undefined ? lastDrawn.nextSibling : list.firstChild;
    for (const o of next) {
      if (o.node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(o.node, cursor);
    }
    outgoing = next;
  }

  /** Once a frame: follow the end, let memory go, and fetch more when there is nothing to scroll. */
  function schedule(): void {
    if (frame !== 0) return;
    const step = (): void => {
      frame = 0;
      if (following && atTail) {
        scroller.scrollTop = scroller.scrollHeight;
        ownTop = scroller.scrollTop;
        if (held.length > HELD_MAX) handlers.onTrim();
      }
      if (scroller.scrollHeight <= scroller.clientHeight && (hasOlder || lo() > 0)) extendUp();
    };
    // A hidden tab draws no frames; it still lets memory go.
    frame = document.visibilityState === 'visible' ? requestAnimationFrame(step) : window.setTimeout(step, 0);
  }

  /** Earlier messages: from memory when it has them, else a page from the server. */
  function extendUp(): void {
    const from = lo();
    if (from > 0) {
      const start = Math.max(0, from - PAGE);
      show(start, Math.min(from + shown.length, start + WINDOW_MAX));
    } else if (hasOlder) handlers.onLoadOlder();
  }

  function extendDown(): void {
    const from = lo();
    const to = Math.min(held.length, from + shown.length + PAGE);
    show(Math.max(from, to - WINDOW_MAX), to);
  }

  /** The newest messages, drawn and scrolled to. */
  function toEnd(): void {
    following = true;
    if (!atTail) show(Math.max(0, held.length - PAGE), held.length);
    scroller.scrollTop = scroller.scrollHeight;
    ownTop = scroller.scrollTop;
  }

  // The toolbar of the message that has focus is in the Tab order; the others' are not.
  list.addEventListener('focusin', (ev) => {
    const li = (ev.target as Element).closest('li.message');
    if (li instanceof HTMLLIElement) for (const b of li.querySelectorAll('button')) b.tabIndex = 0;
  });
  list.addEventListener('focusout', (ev) => {
    const li = (ev.target as Element).closest('li.message');
    if (!(li instanceof HTMLLIElement) || li.contains(ev.relatedTarget as Node | null)) return;
    for (const b of li.querySelectorAll('button')) b.tabIndex = -1;
  });

  scroller.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    let all = items();
    const current = (ev.target as Element).closest('li.message');
    const at = current instanceof HTMLLIElement ? all.indexOf(current) : -1;
    const onItem = current instanceof HTMLLIElement && ev.target === current;
    switch (ev.key) {
      case 'ArrowUp':
        if (ev.target !== scroller && !onItem) return;
        ev.preventDefault();
        if (at === 0) {
          extendUp();
          all = items();
          focusItem(all[Math.max(0, all.indexOf(current as HTMLLIElement) - 1)]);
        } else focusItem(at < 0 ? all.at(-1) : all[at - 1]);
        return;
      case 'ArrowDown':
        if (ev.target !== scroller && !onItem) return;
        ev.preventDefault();
        if (at >= 0 && at === all.length - 1 && !atTail) {
          extendDown();
          all = items();
          focusItem(all[all.indexOf(current as HTMLLIElement) + 1]);
        } else if (at >= 0 && at === all.length - 1) handlers.onLeave();
        else focusItem(at < 0 ? all.at(-1) : all[at + 1]);
        return;
      case 'Home':
        if (!onItem && ev.target !== scroller) return;
        ev.preventDefault();
        focusItem(all[0]);
        return;
      case 'End':
        if (!onItem && ev.target !== scroller) return;
        ev.preventDefault();
        if (!atTail) toEnd();
        focusItem(items().at(-1));
        return;
      case 'Escape':
        ev.preventDefault();
        handlers.onLeave();
        return;
    }
    if (!onItem) return;
    const message = byId.get(current.dataset['id'] ?? '')?.message;
    if (message === undefined || message.deletedAt !== undefined) return;
    const button = (name: string) => current.querySelector<HTMLButtonElement>(`.act-${name}`);
    if (ev.key === 'r' || ev.key === 'R') handlers.onReply(message);
    else if (ev.key === '+') handlers.onPickReaction(message, button('react') ?? current);
    else if ((ev.key === 'e' || ev.key === 'E') && button('edit')) handlers.onEdit(message);
    else if (ev.key === 'Delete' && button('delete')) handlers.onDelete(message);
    else return;
    ev.preventDefault();
  });

  function reset(): void {
    for (const e of shown) drop(e);
    for (const o of outgoing) o.node.remove();
    tail.clear();
    shown = [];
    outgoing = [];
    byId.clear();
    list.replaceChildren();
  }

  return {
    update(name, room, pending, meNow, online, moderatorNow = false) {
      last = { name, pending, online };
      if (meNow !== me || moderatorNow !== moderator) {
        me = meNow;
        moderator = moderatorNow;
        reset(); // "mine" and what I may do are drawn into every message
      }
      const notesNow = room?.notes ?? [];
      const notesMoved = notesNow !== notes;
      notes = notesNow;
      const next = room?.messages ?? [];
      if (room !== undefined && readFrom === undefined) readFrom = unreadFrom(next, room.lastReadSeq);
      const olderNow = room?.hasOlder ?? false;
      roomKnown = room !== undefined;
      if (next === held && olderNow === hasOlder && shown.length > 0) {
        if (notesMoved) {
          const from = lo();
          show(from, from + shown.length);
          return;
        }
        drawOutgoing();
        schedule();
        return;
      }
      const prev = held;
      held = next;
      hasOlder = olderNow;
      if (shown.length === 0) {
        show(Math.max(0, held.length - PAGE), held.length);
        return;
      }
      let from = indexOfSeq(held, shown[0]!.message.seq);
      // A page of older messages arrived for a window that started at the oldest held: show it.
      if (prev[0]?.id === shown[0]!.message.id) from = Math.max(0, from - PAGE);
      let to = atTail ? held.length : indexOfSeq(held, shown.at(-1)!.message.seq + 1);
      if (following) from = Math.max(from, to - WINDOW_MAX);
      else to = Math.min(to, from + WINDOW_MAX);
      show(from, to);
    },
    scrollToEnd: toEnd,
    reveal(messageId) {
      if (!byId.has(messageId)) {
        const at = held.findIndex((m) => m.id === messageId);
        if (at < 0) return false;
        following = false;
        const from = Math.max(0, at - PAGE / 2);
        show(from, Math.min(held.length, from + PAGE));
      }
      const node = byId.get(messageId)?.node;
      if (node === undefined) return false;
      following = false;
      node.scrollIntoView({ block: 'center' });
      node.classList.add('flash');
      node.focus({ preventScroll: true });
      setTimeout(() => node.classList.remove('flash'), FLASH_MS);
      return true;
    },
    atBottom: () => following && atTail,
    clear() {
      reset();
      held = [];
      notes = [];
      hasOlder = false;
      atTail = true;
      following = true;
      readFrom = undefined;
      roomKnown = false;
      last = { name: '', pending: [], online: false };
      olderBtn.hidden = true;
      startMarker.hidden = true;
    },
  };
}

function separator(className: string, text: string): HTMLLIElement {
  const li = el('li', className);
  li.setAttribute('role', 'separator');
  li.append(el('span', undefined, text));
  return li;
}
