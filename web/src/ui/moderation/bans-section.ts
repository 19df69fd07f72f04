/**
 * Who is banned from the room, for its moderators: a folded list in the members dialog, loaded when
 * it is opened, each with "lift" (a `member_unban` event).
 */
import type { Room } from '../../../../protocol/frames.js';
import type { RoomBan } from '../../api-moderation.js';
import { byId, el, formatDateTime } from '../dom.js';
import { paintUser } from '../user-color.js';

export interface BansHandlers {
  bans: (room: string) => Promise<RoomBan[]>;
  unban: (room: string, username: string) => Promise<void>;
  onFailure: (err: unknown) => void;
}

export interface BansSection {
  show(room: Room): void;
  /** Loads the list again if it is open (after a ban from the list above). */
  refresh(): void;
}

export function bindBansSection(handlers: BansHandlers): BansSection {
  const section = byId('bans-section', HTMLDetailsElement);
  const list = byId('bans-list', HTMLUListElement);
  let room: string | null = null;

  function item(ban: RoomBan, name: string): HTMLLIElement {
    const li = el('li', 'member');
    li.dataset['username'] = ban.user.username;
    const who = el('span', 'member-name', ban.user.username);
    paintUser(who, ban.user.color);
    const why = [ban.reason, ban.bannedAt === undefined ? undefined : formatDateTime(ban.bannedAt)]
      .filter((x) => x !== undefined && x !== '')
      .join(' · ');
    if (why !== '') who.append(el('span', 'dim', ` ${why}`));
    const lift = el('button', 'secondary small unban', 'lift ban');
    lift.type = 'button';
    lift.setAttribute('aria-label', `lift the ban on ${ban.user.username}`);
    lift.addEventListener('click', () => {
      lift.disabled = true;
      handlers.unban(name, ban.user.username).then(load, (err: unknown) => {
        lift.disabled = false;
        handlers.onFailure(err);
      });
    });
    li.append(who, lift);
    return li;
  }

  async function load(): Promise<void> {
    const name = room;
    if (name === null || !section.open) return;
    try {
      const bans = await handlers.bans(name);
      if (room !== name) return;
      list.replaceChildren(...bans.map((b) => item(b, name)));
      if (bans.length === 0) list.append(el('li', 'dim empty', 'nobody is banned'));
    } catch (err) {
      handlers.onFailure(err);
    }
  }

  section.addEventListener('toggle', () => void load());

  return {
    show(next) {
      room = next.name;
      section.hidden = next.kind !== 'room' || next.canModerate !== true;
      section.open = false;
      list.replaceChildren();
    },
    refresh: () => void load(),
  };
}
