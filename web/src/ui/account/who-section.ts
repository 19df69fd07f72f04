/** "Who I am": my name in my colour, the colour itself, and the day I joined (from my public profile). */
import type { UserProfile } from '../../../../protocol/account.js';
import type { User } from '../../../../protocol/frames.js';
import { byId } from '../dom.js';
import { joinedDate } from '../joined-date.js';
import { paintUser } from '../user-color.js';
import type { AccountSection } from './account-section.js';

export function createWhoSection(profile: (username: string) => Promise<UserProfile>): AccountSection {
  const name = byId('account-username', HTMLElement);
  const swatch = byId('account-swatch', HTMLElement);
  const color = byId('account-color', HTMLElement);
  const joined = byId('account-joined', HTMLElement);
  /** Bumped at each open, so a slow answer for an earlier one is dropped. */
  let generation = 0;

  return {
    open(me: User) {
      const mine = ++generation;
      name.textContent = me.username;
      paintUser(name, me.color);
      paintUser(swatch, me.color);
      color.textContent = me.color;
      joined.textContent = '…';
      joined.setAttribute('aria-busy', 'true');
      profile(me.username).then(
        (p) => {
          if (mine !== generation) return;
          joined.textContent = joinedDate(p.createdAt);
          joined.removeAttribute('aria-busy');
        },
        () => {
          if (mine !== generation) return;
          joined.textContent = 'unknown (could not load it)';
          joined.removeAttribute('aria-busy');
        },
      );
    },
    close() {
      generation++;
    },
  };
}
