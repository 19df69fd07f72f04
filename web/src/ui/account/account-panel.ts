/**
 * "My account": a modal <dialog> of sections, one per part of the account (who I am, the password;
 * passkeys and TOTP add theirs beside them), reached from the top bar. Focus starts on its close
 * button, Escape closes it, and focus returns to the button that opened it. It links to "my
 * sessions" rather than repeating it.
 */
import '../../styles/account.css';
import type { UserProfile } from '../../../../protocol/account.js';
import type { User } from '../../../../protocol/frames.js';
import type { changePassword } from '../../api.js';
import { byId } from '../dom.js';
import type { AccountSection } from './account-section.js';
import { createPasswordSection } from './password-section.js';
import { createWhoSection } from './who-section.js';

export interface AccountHandlers {
  profile: (username: string) => Promise<UserProfile>;
  changePassword: typeof changePassword;
  onSessions: () => void;
  onSecurity: () => void;
  onAuthFailure: () => void;
}

export interface AccountPanel {
  open(me: User): void;
  close(): void;
}

export function createAccountPanel(handlers: AccountHandlers): AccountPanel {
  const dialog = byId('account-dialog', HTMLDialogElement);
  const closeBtn = byId('account-close', HTMLButtonElement);
  const sections: AccountSection[] = [
    createWhoSection(handlers.profile),
    createPasswordSection({
      change: handlers.changePassword,
      onAuthFailure: () => {
        dialog.close();
        handlers.onAuthFailure();
      },
    }),
  ];
  closeBtn.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    for (const section of sections) section.close();
  });
  byId('account-sessions', HTMLButtonElement).addEventListener('click', () => {
    // Closed first, so the sessions dialog hands focus back to the account button, not into a closed dialog.
    dialog.close();
    handlers.onSessions();
  });

  byId('account-security', HTMLButtonElement).addEventListener('click', () => {
    dialog.close();
    handlers.onSecurity();
  });

  return {
    open(me) {
      for (const section of sections) section.open(me);
      if (!dialog.open) dialog.showModal();
      closeBtn.focus();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
