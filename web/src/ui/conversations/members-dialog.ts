/**
 * The members of the open room: who is in it and with what role; its owner invites by username,
 * removes people and gives room roles; its moderators mute, kick and ban, set read-only and slow
 * mode, and lift bans; anyone leaves (a DM cannot be left); a name opens that person's card. A
 * modal <dialog>, opened from the top bar.
 */
import type { Room, User } from '../../../../protocol/frames.js';
import type { Member } from '../../api.js';
import type { Confirm } from '../confirm.js';
import { dialogFailure } from '../dialog-failure.js';
import { byId, el } from '../dom.js';
import { paintUser } from '../user-color.js';
import { bindBansSection, type BansHandlers } from '../moderation/bans-section.js';
import { memberControls, type MemberControlsHandlers } from '../moderation/member-controls.js';
import { bindRoomModes } from '../moderation/room-modes.js';
import type { ModerationChange } from '../../api-moderation.js';

export interface MembersHandlers {
  members: (room: string) => Promise<Member[]>;
  invite: (room: string, username: string) => Promise<void>;
  remove: (room: string, username: string) => Promise<void>;
  leave: (room: string) => Promise<void>;
  /** Changes the topic or who can join (owners only). */
  update: (room: string, change: { topic?: string; visibility?: 'public' | 'private' }) => Promise<void>;
  /** A member's name was pressed: their profile card. */
  onUser: (user: User) => void;
  onAuthFailure: () => void;
  moderation: Pick<MemberControlsHandlers, 'moderate' | 'setRole'> &
    Pick<BansHandlers, 'bans' | 'unban'> & {
      setModes: (room: string, change: ModerationChange) => Promise<void>;
    };
}

export interface MembersDialog {
  open(room: Room, me: User | null): void;
  /** Draws the list again if it is open on `room` (someone was kicked, banned, given a role). */
  reload(room: string): void;
  close(): void;
}

export function createMembersDialog(handlers: MembersHandlers, confirm: Confirm): MembersDialog {
  const dialog = byId('members-dialog', HTMLDialogElement);
  const title = byId('members-title', HTMLElement);
  const topic = byId('members-topic-line', HTMLElement);
  const list = byId('members-list', HTMLUListElement);
  const error = byId('members-error', HTMLElement);
  const inviteForm = byId('invite-form', HTMLFormElement);
  const inviteName = byId('invite-username', HTMLInputElement);
  const leaveBtn = byId('leave-room-btn', HTMLButtonElement);
  const settings = byId('settings-form', HTMLFormElement);
  const settingsTopic = byId('settings-topic', HTMLInputElement);
  const settingsVisibility = byId('settings-visibility', HTMLSelectElement);
  byId('members-close', HTMLButtonElement).addEventListener('click', () => dialog.close());
  let current: { room: Room; me: User | null } | null = null;

  const fail = dialogFailure(dialog, error, handlers.onAuthFailure);
  const modes = bindRoomModes(handlers.moderation.setModes, fail);
  const bans = bindBansSection({ ...handlers.moderation, onFailure: fail });
  const controls: MemberControlsHandlers = {
    ...handlers.moderation,
    changed: () => void load(),
    onFailure: fail,
  };

  async function load(): Promise<void> {
    if (current === null) return;
    const { room, me } = current;
    const owner = room.role === 'owner';
    dialog.setAttribute('aria-busy', 'true');
    try {
      const members = await handlers.members(room.name);
      if (current?.room.name !== room.name) return;
      list.replaceChildren(
        ...members.map((m) => {
          const li = el('li', 'member');
          li.dataset['username'] = m.user.username;
          const name = el('button', 'user-link', m.user.username);
          name.type = 'button';
          name.setAttribute('aria-haspopup', 'dialog');
          name.title = `${m.user.username}: profile`;
          name.addEventListener('click', () => handlers.onUser(m.user));
          paintUser(name, m.user.color);
          const cell = el('span', 'member-name');
          cell.append(name);
          li.append(cell, el('span', 'dim role', ` ${m.role}${m.user.id === me?.id ? ' (you)' : ''}`));
          li.append(...memberControls(m, room, me, controls));
          if (owner && room.kind === 'room' && m.user.id !== me?.id) {
            const remove = el('button', 'danger small remove', 'remove');
            remove.type = 'button';
            remove.setAttribute('aria-label', `remove ${m.user.username} from #${room.name}`);
            remove.addEventListener('click', () => void removeMember(m.user.username, remove));
            li.append(remove);
          }
          return li;
        }),
      );
    } catch (err) {
      fail(err);
    } finally {
      dialog.removeAttribute('aria-busy');
    }
  }

  async function removeMember(username: string, button: HTMLButtonElement): Promise<void> {
    if (current === null) return;
    const room = current.room.name;
    const sure = await confirm({ title: 'remove member?', text: `Remove ${username} from #${room}?`, ok: 'remove' });
    if (!sure) return;
    button.disabled = true;
    try {
      await handlers.remove(room, username);
      await load();
    } catch (err) {
      button.disabled = false;
      fail(err);
    }
  }

  inviteForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const username = inviteName.value.trim();
    if (current === null || username === '') return;
    error.hidden = true;
    const room = current.room.name;
    void (async () => {
      try {
        await handlers.invite(room, username);
        inviteName.value = '';
        await load();
      } catch (err) {
        fail(err);
      }
      inviteName.focus();
    })();
  });

  settings.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (current === null) return;
    const { room } = current;
    const change: { topic?: string; visibility?: 'public' | 'private' } = {};
    const topicNow = settingsTopic.value.trim();
    if (topicNow !== room.topic) change.topic = topicNow;
    const visibility = settingsVisibility.value === 'private' ? 'private' : 'public';
    if (visibility !== room.visibility) change.visibility = visibility;
    if (change.topic === undefined && change.visibility === undefined) return;
    error.hidden = true;
    void handlers.update(room.name, change).then(() => {
      if (current?.room.name !== room.name) return;
      current = { ...current, room: { ...room, ...change } };
      describe(current.room);
    }, fail);
  });

  leaveBtn.addEventListener('click', () => {
    if (current === null) return;
    const room = current.room;
    void (async () => {
      const text =
        room.visibility === 'private'
          ? `Leave #${room.name}? It is private: you will need an invitation to come back.`
          : `Leave #${room.name}? You can join it again from "browse".`;
      if (!(await confirm({ title: 'leave room?', text, ok: 'leave' }))) return;
      try {
        await handlers.leave(room.name);
        dialog.close();
      } catch (err) {
        fail(err);
      }
    })();
  });

  function describe(room: Room): void {
    topic.textContent = room.kind === 'dm' ? '' : `${room.visibility} · ${room.topic || 'no topic'}`;
  }

  return {
    open(room, me) {
      current = { room, me };
      error.hidden = true;
      title.textContent = room.kind === 'dm' ? 'direct conversation' : `#${room.name} members`;
      describe(room);
      const owns = room.role === 'owner' && room.kind === 'room';
      inviteForm.hidden = settings.hidden = !owns;
      settingsTopic.value = room.topic;
      settingsVisibility.value = room.visibility;
      leaveBtn.hidden = room.kind === 'dm';
      modes.show(room);
      bans.show(room);
      list.replaceChildren();
      if (!dialog.open) dialog.showModal();
      (inviteForm.hidden ? byId('members-close', HTMLButtonElement) : inviteName).focus();
      void load();
    },
    reload(room) {
      if (current?.room.name !== room || !dialog.open) return;
      void load();
      bans.refresh();
    },
    close() {
      current = null;
      if (dialog.open) dialog.close();
    },
  };
}
