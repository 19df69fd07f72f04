/**
 * Showing one message that may not be held yet: the message a reply quotes (a few pages back at most)
 * and a search hit (its room opened first, then up to a few thousand messages back). Older pages load
 * one after another until the message is held, so the list stays one unbroken run of history; then the
 * list draws the window around it, scrolls it to the middle and flashes it.
 */
import { Limits } from '../../../protocol/limits.js';
import type { Store } from '../store.js';
import type { MessageList } from './message-list.js';

export interface RevealDeps {
  store: Store;
  messages: MessageList;
  /** The room on screen. */
  shown: () => string | null;
  openRoom: (room: string) => void;
  /** One older page of the room's history (`limit` messages at most). */
  loadOlder: (room: string, limit?: number) => Promise<void>;
  notice: (text: string) => void;
}

export interface Reveal {
  /** The message a reply answers, in the room on screen. */
  quote(id: string, seq: number): Promise<void>;
  /** A search hit: its room opens, then the message shows. */
  jump(room: string, id: string, seq: number): Promise<void>;
}

/** Pages of older history loaded, at most, to show a quoted message (the default page size). */
const QUOTE_PAGES_MAX = 10;
/** Pages loaded, at most, to reach a search hit, each as large as the server serves. */
const JUMP_PAGES_MAX = 40;
const GONE = 'That message is no longer here.';
const TOO_FAR = `That message is more than ${JUMP_PAGES_MAX * Limits.HISTORY_PAGE_MAX} messages back: scroll up to reach it.`;

export function createReveal(deps: RevealDeps): Reveal {
  async function reveal(id: string, seq: number, pages: number, limit?: number): Promise<void> {
    const room = deps.shown();
    let far = false;
    for (let page = 0; room !== null && deps.shown() === room; page++) {
      if (deps.messages.reveal(id)) return;
      const held = deps.store.getState().rooms.get(room);
      if (held?.hasOlder !== true || (held.messages[0]?.seq ?? 0) <= seq) break;
      if (page >= pages) {
        far = true;
        break;
      }
      await deps.loadOlder(room, limit);
    }
    if (deps.shown() === room) deps.notice(far && limit !== undefined ? TOO_FAR : GONE);
  }

  /** Resolves true once the room's messages are held and it is still the one on screen. */
  function whenHeld(room: string): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        const state = deps.store.getState();
        if (!state.rooms.has(room) && state.active === room) return;
        stop();
        resolve(state.rooms.has(room) && state.active === room);
      };
      const stop = deps.store.subscribe(check);
      check();
    });
  }

  return {
    quote: (id, seq) => reveal(id, seq, QUOTE_PAGES_MAX),
    async jump(room, id, seq) {
      if (deps.shown() !== room) deps.openRoom(room);
      if (await whenHeld(room)) await reveal(id, seq, JUMP_PAGES_MAX, Limits.HISTORY_PAGE_MAX);
    },
  };
}
