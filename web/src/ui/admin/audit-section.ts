/**
 * The admin page's audit log: every moderator and admin action, newest first, a page at a time
 * ("older" asks for the page the server said comes next).
 */
import { auditLog, type AuditItem } from '../../api-admin.js';
import { ApiError } from '../../api.js';
import { byId, el, formatDateTime } from '../dom.js';

export interface AuditSection {
  open(): void;
}

const PAGE = 50;

export function createAuditSection(handlers: { onAuthFailure: () => void }): AuditSection {
  const list = byId('admin-audit-list', HTMLOListElement);
  const error = byId('admin-audit-error', HTMLElement);
  const more = byId('admin-audit-more', HTMLButtonElement);
  let oldest: number | undefined;
  let generation = 0;

  function item(e: AuditItem): HTMLLIElement {
    const li = el('li', 'audit-entry');
    li.dataset['position'] = String(e.position);
    li.dataset['action'] = e.action;
    const time = el('time', 'dim', formatDateTime(e.at));
    time.dateTime = e.at;
    li.append(
      time,
      el('span', 'audit-actor', ` ${e.actorName ?? e.actor}`),
      el('span', 'audit-action', ` ${e.action}`),
      el('span', 'dim', ` ${e.target.kind} ${e.target.id}`),
    );
    if (e.reason !== '') li.append(el('span', 'audit-reason', ` — ${e.reason}`));
    return li;
  }

  async function load(fresh: boolean): Promise<void> {
    const mine = fresh ? ++generation : generation;
    error.hidden = true;
    more.disabled = true;
    try {
      const { entries, next } = await auditLog(fresh ? undefined : oldest, PAGE);
      if (mine !== generation) return;
      const items = entries.map(item);
      if (fresh) list.replaceChildren(...items);
      else list.append(...items);
      if (fresh && items.length === 0) list.append(el('li', 'dim empty', 'nothing recorded yet'));
      oldest = next;
      more.hidden = next === undefined;
    } catch (err) {
      if (err instanceof ApiError && err.isAuthFailure) return handlers.onAuthFailure();
      error.textContent = err instanceof Error ? err.message : 'Loading failed.';
      error.hidden = false;
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener('click', () => void load(false));

  return {
    open: () => void load(true),
  };
}
