/**
 * The admin page, for admins only (the top bar shows its button when `ready.roles` has `admin`; the
 * server refuses everyone else anyway): people — search, roles, suspension — and the audit log. A
 * large modal <dialog> with two tabs; Escape closes it and focus returns to the admin button.
 */
import '../../styles/admin.css';
import type { User } from '../../../../protocol/frames.js';
import { byId } from '../dom.js';
import { createAuditSection } from './audit-section.js';
import { createUsersSection } from './users-section.js';

export interface AdminHandlers {
  me: () => User | null;
  onAuthFailure: () => void;
}

export interface AdminPanel {
  open(): void;
  close(): void;
}

export function createAdminPanel(handlers: AdminHandlers): AdminPanel {
  const dialog = byId('admin-dialog', HTMLDialogElement);
  const closeBtn = byId('admin-close', HTMLButtonElement);
  const onAuthFailure = (): void => {
    dialog.close();
    handlers.onAuthFailure();
  };
  const tabs = [
    { tab: byId('admin-tab-users', HTMLButtonElement), page: byId('admin-users', HTMLElement) },
    { tab: byId('admin-tab-audit', HTMLButtonElement), page: byId('admin-audit', HTMLElement) },
  ] as const;
  const users = createUsersSection({ me: handlers.me, onAuthFailure });
  const audit = createAuditSection({ onAuthFailure });

  function select(index: 0 | 1): void {
    tabs.forEach(({ tab, page }, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
      page.hidden = i !== index;
    });
    if (index === 0) users.open();
    else audit.open();
  }

  tabs[0].tab.addEventListener('click', () => select(0));
  tabs[1].tab.addEventListener('click', () => select(1));
  // Arrow keys move between the tabs, as a tab list does.
  for (const { tab } of tabs) {
    tab.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
      ev.preventDefault();
      const next = tab === tabs[0].tab ? 1 : 0;
      select(next);
      tabs[next].tab.focus();
    });
  }
  closeBtn.addEventListener('click', () => dialog.close());

  return {
    open() {
      if (!dialog.open) dialog.showModal();
      select(0);
      closeBtn.focus();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
