/**
 * The security page: passkeys, the authenticator app and its recovery codes. A modal <dialog>
 * reached from "my account"; focus starts on its close button and returns to what opened it.
 */
import '../../styles/security.css';
import { byId } from '../dom.js';
import { createPasskeysSection } from './passkeys-section.js';
import { createTotpSection } from './totp-section.js';

export interface SecurityPanel {
  open(): void;
  close(): void;
}

export function createSecurityPanel(onAuthFailure: () => void): SecurityPanel {
  const dialog = byId('security-dialog', HTMLDialogElement);
  const closeBtn = byId('security-close', HTMLButtonElement);
  const ended = (): void => {
    if (dialog.open) dialog.close();
    onAuthFailure();
  };
  const sections = [createPasskeysSection(ended), createTotpSection(ended)];
  closeBtn.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    for (const section of sections) section.close();
  });
  return {
    open() {
      for (const section of sections) section.open();
      if (!dialog.open) dialog.showModal();
      closeBtn.focus();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
