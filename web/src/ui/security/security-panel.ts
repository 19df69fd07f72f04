/**
 * The security page: passkeys, the authenticator app and its recovery codes, linked sign-ins. A modal
 * <dialog> reached from "my account"; focus starts on its close button and returns to what opened it.
 */
import '../../styles/security.css';
import { byId } from '../dom.js';
import { createIdentitiesSection } from './identities-section.js';
import { createPasskeysSection } from './passkeys-section.js';
import { createTotpSection } from './totp-section.js';

export interface SecurityPanel {
  open(): void;
  /** Opens it saying that this single sign-on provider was just linked (back from `?ssoLinked=`). */
  openLinked(providerId: string): void;
  close(): void;
}

export function createSecurityPanel(onAuthFailure: () => void): SecurityPanel {
  const dialog = byId('security-dialog', HTMLDialogElement);
  const closeBtn = byId('security-close', HTMLButtonElement);
  const ended = (): void => {
    if (dialog.open) dialog.close();
    onAuthFailure();
  };
  const identities = createIdentitiesSection(ended);
  const sections = [createPasskeysSection(ended), createTotpSection(ended), identities];
  function show(): void {
    if (!dialog.open) dialog.showModal();
    closeBtn.focus();
  }
  closeBtn.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    for (const section of sections) section.close();
  });
  return {
    open() {
      for (const section of sections) section.open();
      show();
    },
    openLinked(providerId) {
      for (const section of sections) {
        if (section === identities) identities.openLinked(providerId);
        else section.open();
      }
      show();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
