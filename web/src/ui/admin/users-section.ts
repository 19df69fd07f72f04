/**
 * The admin page's people: search by name, paged ("more" asks for the next page with `after`),
 * each person with their global roles (grant or revoke admin and moderator) and their suspension
 * (suspend with a reason they will see; unsuspend, with a reason for the log). After each change the person's row is read
 * again from the server, so it shows what the server holds.
 */
import {
  getUser,
  grantRole,
  GLOBAL_ROLES,
  listUsers,
  revokeRole,
  suspendUser,
  unsuspendUser,
  type AdminUser,
} from '../../api-admin.js';
import type { User } from '../../../../protocol/frames.js';
import { ApiError } from '../../api.js';
import { byId, el, formatDateTime } from '../dom.js';
import { joinedDate } from '../joined-date.js';

export interface UsersSection {
  open(): void;
}

export function createUsersSection(handlers: { me: () => User | null; onAuthFailure: () => void }): UsersSection {
  const form = byId('admin-search-form', HTMLFormElement);
  const search = byId('admin-search', HTMLInputElement);
  const list = byId('admin-users-list', HTMLUListElement);
  const error = byId('admin-users-error', HTMLElement);
  const more = byId('admin-users-more', HTMLButtonElement);
  let query = '';
  let next: string | undefined;
  /** Bumped by each new search, so a late page of an earlier one is dropped. */
  let generation = 0;

  function fail(err: unknown): void {
    if (err instanceof ApiError && err.isAuthFailure) return handlers.onAuthFailure();
    error.textContent = err instanceof Error ? err.message : 'That did not work.';
    error.hidden = false;
  }

  async function load(fresh: boolean): Promise<void> {
    const mine = fresh ? ++generation : generation;
    error.hidden = true;
    more.disabled = true;
    list.setAttribute('aria-busy', 'true');
    try {
      const page = await listUsers(query, fresh ? undefined : next);
      if (mine !== generation) return;
      const rows = page.users.map(row);
      if (fresh) list.replaceChildren(...rows);
      else list.append(...rows);
      if (fresh && rows.length === 0) list.append(el('li', 'dim empty', 'nobody by that name'));
      next = page.next;
      more.hidden = next === undefined;
    } catch (err) {
      fail(err);
    } finally {
      more.disabled = false;
      list.removeAttribute('aria-busy');
    }
  }

  /** Runs a change to one person, then draws their row again from the server's answer. */
  async function change(li: HTMLLIElement, username: string, run: () => Promise<unknown>): Promise<void> {
    error.hidden = true;
    li.setAttribute('aria-busy', 'true');
    for (const b of li.querySelectorAll('button')) b.disabled = true;
    try {
      await run();
      const { user } = await getUser(username);
      li.replaceWith(row(user));
    } catch (err) {
      for (const b of li.querySelectorAll('button')) b.disabled = false;
      fail(err);
    } finally {
      li.removeAttribute('aria-busy');
    }
  }

  function button(text: string, className: string, label: string, run: () => void): HTMLButtonElement {
    const b = el('button', `small ${className}`, text);
    b.type = 'button';
    b.setAttribute('aria-label', label);
    b.addEventListener('click', run);
    return b;
  }

  function row(user: AdminUser): HTMLLIElement {
    const li = el('li', user.suspended ? 'admin-user suspended' : 'admin-user');
    li.dataset['username'] = user.username;
    const me = handlers.me()?.id === user.id;
    const head = el('div', 'admin-user-head');
    head.append(
      el('strong', 'admin-username', user.username),
      el('span', 'dim', ` joined ${joinedDate(user.createdAt)}`),
    );
    for (const role of user.roles) head.append(el('span', 'badge role', role));
    li.append(head);
    if (user.suspended) {
      const why = user.suspended.reason === '' ? '' : ` — ${user.suspended.reason}`;
      li.append(el('div', 'suspension', `suspended ${formatDateTime(user.suspended.at)}${why}`));
    }
    const tools = el('div', 'admin-tools');
    for (const role of GLOBAL_ROLES) {
      const has = user.roles.includes(role);
      tools.append(
        button(
          has ? `revoke ${role}` : `grant ${role}`,
          `secondary role-${role}`,
          `${has ? 'revoke' : 'grant'} ${role} for ${user.username}`,
          () =>
            void change(li, user.username, () =>
              has ? revokeRole(user.username, role) : grantRole(user.username, role),
            ),
        ),
      );
    }
    if (user.suspended) {
      const label = `unsuspend ${user.username}`;
      tools.append(button('unsuspend', 'secondary unsuspend', label, () => askReason(li, tools, user, 'unsuspend')));
    } else if (!me) {
      const label = `suspend ${user.username}`;
      tools.append(button('suspend', 'danger suspend', label, () => askReason(li, tools, user, 'suspend')));
    }
    li.append(tools);
    return li;
  }

  /**
   * Suspending asks why first, in the row itself (required: the person sees it when they try to log
   * in); lifting it asks too, for the audit log (optional).
   */
  function askReason(li: HTMLLIElement, tools: HTMLElement, user: AdminUser, what: 'suspend' | 'unsuspend'): void {
    const suspend = what === 'suspend';
    const ask = el('form', 'inline suspend-form');
    ask.noValidate = true;
    const label = el('label', 'visually-hidden', `why ${what} ${user.username}`);
    const reason = el('input');
    reason.id = `${what}-reason-${user.id}`;
    label.htmlFor = reason.id;
    reason.maxLength = 500;
    reason.placeholder = suspend ? 'reason (they will see it)' : 'reason (optional, for the audit log)';
    const ok = el('button', `${suspend ? 'danger' : 'secondary'} small`, what);
    ok.type = 'submit';
    const cancel = button('cancel', 'secondary', 'cancel', () => {
      ask.remove();
      tools.hidden = false;
    });
    ask.append(label, reason, ok, cancel);
    ask.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const why = reason.value.trim();
      if (suspend && why === '') {
        reason.focus();
        return;
      }
      void change(li, user.username, () =>
        suspend ? suspendUser(user.username, why) : unsuspendUser(user.username, why || undefined),
      );
    });
    tools.hidden = true;
    li.append(ask);
    reason.focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    query = search.value.trim();
    void load(true);
  });
  more.addEventListener('click', () => void load(false));

  return {
    open() {
      query = search.value.trim();
      void load(true);
    },
  };
}
