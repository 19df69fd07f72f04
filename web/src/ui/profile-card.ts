/**
 * The card that opens on a person's name (an author in the message list, the online list, the
 * members dialog): their name in their colour, the day they joined, and "message" to open our direct
 * conversation (for someone else) or "my account" (for me); where I moderate the open room, mute,
 * kick and ban (for someone else). A modal <dialog> in the top layer, so it
 * also opens over the members dialog; placed beside the name, focus inside it, Escape or a click
 * outside closes it, and focus returns to the name it was opened from.
 */
import '../styles/account.css';
import type { UserProfile } from '../../../protocol/account.js';
import type { User } from '../../../protocol/frames.js';
import { ApiError } from '../api.js';
import { byId } from './dom.js';
import { joinedDate } from './joined-date.js';
import type { ModerateAction } from './moderation/moderate-dialog.js';
import { paintUser } from './user-color.js';

export interface ProfileCardHandlers {
  me: () => User | null;
  profile: (username: string) => Promise<UserProfile>;
  openDm: (username: string) => Promise<void>;
  /** Our DM is open and the card closed: where focus goes now (the card and any dialog under it are gone). */
  afterDm: () => void;
  onAccount: () => void;
  onAuthFailure: () => void;
  /** The open room, if I may moderate it (else null). */
  moderatedRoom: () => string | null;
  onModerate: (action: ModerateAction, user: User, room: string) => void;
}

export interface ProfileCard {
  /** Opens the card for `user` beside `from` (by default the button just pressed). */
  open(user: User, from?: HTMLElement | null): void;
  close(): void;
  /** Forgets the profiles it fetched (at logout). */
  forget(): void;
}

/** Space kept between the card and the name, and the edges of the window. */
const GAP_PX = 6;

export function createProfileCard(handlers: ProfileCardHandlers): ProfileCard {
  const card = byId('profile-card', HTMLDialogElement);
  const name = byId('profile-name', HTMLElement);
  const joined = byId('profile-joined', HTMLElement);
  const error = byId('profile-error', HTMLElement);
  const message = byId('profile-message', HTMLButtonElement);
  const account = byId('profile-account', HTMLButtonElement);
  const closeBtn = byId('profile-close', HTMLButtonElement);
  const moderate = byId('profile-moderate', HTMLElement);
  /** Profiles fetched this login, by lower-cased name: a joined date never changes. */
  const known = new Map<string, Promise<UserProfile>>();
  let shown: User | null = null;
  let opener: HTMLElement | null = null;
  /**
   * The button the person just pressed (mouse, touch or keyboard: each sends a click), recorded in
   * the capture phase, before the button's own handler asks for a card. It works where a click does
   * not focus a button (Safari), which `document.activeElement` would miss.
   */
  let pressed: HTMLElement | null = null;
  document.addEventListener(
    'click',
    (ev) => {
      pressed = ev.target instanceof Element ? ev.target.closest('button') : null;
    },
    true,
  );

  function fetchProfile(username: string): Promise<UserProfile> {
    const key = username.toLowerCase();
    let found = known.get(key);
    if (found === undefined) {
      found = handlers.profile(username);
      known.set(key, found);
      found.catch(() => known.delete(key)); // try again next time
    }
    return found;
  }

  function place(from: HTMLElement | null): void {
    card.classList.remove('anchored');
    if (from === null || !from.isConnected) return;
    const at = from.getBoundingClientRect();
    if (at.width === 0 && at.height === 0) return;
    const size = card.getBoundingClientRect();
    const maxLeft = window.innerWidth - size.width - GAP_PX;
    const below = at.bottom + GAP_PX;
    const top = below + size.height <= window.innerHeight - GAP_PX ? below : at.top - size.height - GAP_PX;
    card.style.left = `${Math.max(GAP_PX, Math.min(at.left, maxLeft))}px`;
    card.style.top = `${Math.max(GAP_PX, top)}px`;
    card.classList.add('anchored');
  }

  closeBtn.addEventListener('click', () => card.close());
  /** The room the moderation buttons act in, fixed when the card opened. */
  let moderating: string | null = null;
  for (const button of moderate.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    button.addEventListener('click', () => {
      const user = shown;
      const room = moderating;
      const action = button.dataset['action'] as ModerateAction;
      if (user === null || room === null) return;
      // The moderate dialog takes the place of the card; focus returns to the name afterwards.
      card.close();
      handlers.onModerate(action, user, room);
    });
  }
  account.addEventListener('click', () => {
    card.close();
    handlers.onAccount();
  });
  // A click on the backdrop lands on the dialog itself, outside its box.
  card.addEventListener('click', (ev) => {
    if (ev.target !== card) return;
    const box = card.getBoundingClientRect();
    const inside =
      ev.clientX >= box.left && ev.clientX <= box.right && ev.clientY >= box.top && ev.clientY <= box.bottom;
    if (!inside) card.close();
  });
  card.addEventListener('close', () => {
    shown = null;
    const back = opener;
    opener = null;
    if (back?.isConnected) back.focus();
  });

  message.addEventListener('click', () => {
    const user = shown;
    if (user === null) return;
    error.hidden = true;
    message.disabled = true;
    card.setAttribute('aria-busy', 'true');
    handlers
      .openDm(user.username)
      .then(
        () => {
          // The DM is open: focus belongs to its composer now, not to the name the card came from.
          opener = null;
          if (card.open) card.close();
          handlers.afterDm();
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.isAuthFailure) {
            card.close();
            handlers.onAuthFailure();
            return;
          }
          error.textContent = err instanceof Error ? err.message : 'That did not work.';
          error.hidden = false;
        },
      )
      .finally(() => {
        message.disabled = false;
        card.removeAttribute('aria-busy');
      });
  });

  return {
    open(user, from) {
      if (card.open) card.close();
      const mine = handlers.me()?.id === user.id;
      shown = user;
      const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      opener = from ?? pressed ?? active;
      pressed = null;
      name.textContent = user.username;
      paintUser(name, user.color);
      joined.textContent = '…';
      error.hidden = true;
      message.hidden = mine;
      message.setAttribute('aria-label', `send ${user.username} a direct message`);
      account.hidden = !mine;
      moderating = mine ? null : handlers.moderatedRoom();
      moderate.hidden = moderating === null;
      for (const button of moderate.querySelectorAll('button')) {
        button.setAttribute('aria-label', `${button.dataset['action'] ?? ''} ${user.username} in #${moderating ?? ''}`);
      }
      card.showModal();
      place(opener);
      (mine ? account : message).focus();
      fetchProfile(user.username).then(
        (p) => {
          if (shown !== user) return;
          joined.textContent = `joined ${joinedDate(p.createdAt)}${mine ? ' · this is you' : ''}`;
        },
        (err: unknown) => {
          if (shown !== user) return;
          joined.textContent = mine ? 'this is you' : '';
          error.textContent =
            err instanceof ApiError && err.code === 'USER_NOT_FOUND'
              ? 'This account no longer exists.'
              : 'Could not load when they joined.';
          error.hidden = false;
        },
      );
    },
    close() {
      if (card.open) card.close();
    },
    forget() {
      known.clear();
    },
  };
}
