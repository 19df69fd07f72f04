/**
 * The small dialogs of the rooms sidebar: create a room (name, topic, public or private), browse
 * the public rooms I am not in and join one, and open a direct conversation by username. Each is
 * a modal <dialog>: focus starts in it, Escape closes it, errors are read out, and a success
 * closes it and opens the room.
 */
import type { Room } from '../../../../protocol/frames.js';
import { Limits } from '../../../../protocol/limits.js';
import type { NewRoom } from '../../api.js';
import { dialogFailure } from '../dialog-failure.js';
import { byId, el } from '../dom.js';

export interface RoomDialogsHandlers {
  createRoom: (room: NewRoom) => Promise<void>;
  joinRoom: (name: string) => Promise<void>;
  openDm: (username: string) => Promise<void>;
  /** The public rooms I am not in, as the room list has them now. */
  publicRooms: () => readonly Room[];
  /** A room was opened from a dialog: where focus goes next. */
  afterOpen: () => void;
  onAuthFailure: () => void;
}

export interface RoomDialogs {
  newRoom(): void;
  browse(): void;
  newDm(username?: string): void;
  closeAll(): void;
}

/** Runs an action for a dialog: busy while it runs, the server's message in `error` if it fails. */
async function attempt(
  dialog: HTMLDialogElement,
  error: HTMLElement,
  onAuthFailure: () => void,
  action: () => Promise<void>,
): Promise<boolean> {
  error.hidden = true;
  dialog.setAttribute('aria-busy', 'true');
  try {
    await action();
    return true;
  } catch (err) {
    dialogFailure(dialog, error, onAuthFailure)(err);
    return false;
  } finally {
    dialog.removeAttribute('aria-busy');
  }
}

export function createRoomDialogs(handlers: RoomDialogsHandlers): RoomDialogs {
  const roomDialog = byId('room-dialog', HTMLDialogElement);
  const roomForm = byId('room-form', HTMLFormElement);
  const roomName = byId('room-name', HTMLInputElement);
  const roomTopic = byId('room-topic-input', HTMLInputElement);
  const roomError = byId('room-error', HTMLElement);
  const createBtn = byId('room-create', HTMLButtonElement);

  const browseDialog = byId('browse-dialog', HTMLDialogElement);
  const browseFilter = byId('browse-filter', HTMLInputElement);
  const browseList = byId('browse-list', HTMLUListElement);
  const browseError = byId('browse-error', HTMLElement);

  const dmDialog = byId('dm-dialog', HTMLDialogElement);
  const dmForm = byId('dm-form', HTMLFormElement);
  const dmName = byId('dm-username', HTMLInputElement);
  const dmError = byId('dm-error', HTMLElement);
  const dmBtn = byId('dm-open', HTMLButtonElement);

  /** Closed after success: the room it opened takes focus, not the button that opened the dialog. */
  function done(dialog: HTMLDialogElement): void {
    dialog.close();
    handlers.afterOpen();
  }

  byId('room-cancel', HTMLButtonElement).addEventListener('click', () => roomDialog.close());
  byId('browse-close', HTMLButtonElement).addEventListener('click', () => browseDialog.close());
  byId('dm-cancel', HTMLButtonElement).addEventListener('click', () => dmDialog.close());

  roomForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = roomName.value.trim().toLowerCase();
    if (!Limits.ROOM_PATTERN.test(name)) {
      roomError.textContent = 'Room names are 1–32 of a–z, 0–9, - and _, starting with a letter or digit.';
      roomError.hidden = false;
      roomName.focus();
      return;
    }
    const topic = roomTopic.value.trim();
    const checked = roomForm.querySelector<HTMLInputElement>('input[name="visibility"]:checked');
    const visibility = checked?.value === 'private' ? 'private' : 'public';
    createBtn.disabled = true;
    void attempt(roomDialog, roomError, handlers.onAuthFailure, () =>
      handlers.createRoom({ name, visibility, ...(topic !== '' ? { topic } : {}) }),
    ).then((ok) => {
      createBtn.disabled = false;
      if (ok) done(roomDialog);
      else if (roomDialog.open) roomName.focus();
    });
  });

  function renderBrowse(): void {
    const filter = browseFilter.value.trim().toLowerCase();
    const rooms = handlers
      .publicRooms()
      .filter((r) => filter === '' || r.name.includes(filter) || r.topic.toLowerCase().includes(filter));
    browseList.replaceChildren(
      ...rooms.map((r) => {
        const li = el('li', 'browse-room');
        li.dataset['room'] = r.name;
        const info = el('div', 'browse-info');
        info.append(el('span', 'room-name', `#${r.name}`), el('span', 'dim', ` · ${r.memberCount} members`));
        if (r.topic !== '') info.append(el('div', 'dim topic', r.topic));
        const join = el('button', 'small join', 'join');
        join.type = 'button';
        join.setAttribute('aria-label', `join #${r.name}`);
        join.addEventListener('click', () => {
          join.disabled = true;
          void attempt(browseDialog, browseError, handlers.onAuthFailure, () => handlers.joinRoom(r.name)).then(
            (ok) => {
              join.disabled = false;
              if (ok) done(browseDialog);
            },
          );
        });
        li.append(info, join);
        return li;
      }),
    );
    if (rooms.length === 0)
      browseList.append(el('li', 'dim empty', filter === '' ? 'no public rooms to join' : 'no match'));
  }
  browseFilter.addEventListener('input', renderBrowse);

  dmForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const username = dmName.value.trim();
    if (!Limits.USERNAME_PATTERN.test(username)) {
      dmError.textContent = 'Usernames are 3 to 32 characters of letters, digits and underscore.';
      dmError.hidden = false;
      dmName.focus();
      return;
    }
    dmBtn.disabled = true;
    void attempt(dmDialog, dmError, handlers.onAuthFailure, () => handlers.openDm(username)).then((ok) => {
      dmBtn.disabled = false;
      if (ok) done(dmDialog);
      else if (dmDialog.open) dmName.focus();
    });
  });

  return {
    newRoom() {
      roomForm.reset();
      roomError.hidden = true;
      roomDialog.showModal();
      roomName.focus();
    },
    browse() {
      browseFilter.value = '';
      browseError.hidden = true;
      renderBrowse();
      browseDialog.showModal();
      browseFilter.focus();
    },
    newDm(username = '') {
      dmName.value = username;
      dmError.hidden = true;
      dmDialog.showModal();
      dmName.focus();
    },
    closeAll() {
      for (const d of [roomDialog, browseDialog, dmDialog]) if (d.open) d.close();
    },
  };
}
