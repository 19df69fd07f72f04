/**
 * "Are you sure?" as a modal <dialog> (never window.confirm): focus starts on cancel, Escape
 * cancels, and focus returns to whatever had it before.
 */
import { byId } from './dom.js';

export interface ConfirmOptions {
  title: string;
  text: string;
  ok: string;
}

export type Confirm = (options: ConfirmOptions) => Promise<boolean>;

export function createConfirm(): Confirm {
  const dialog = byId('confirm-dialog', HTMLDialogElement);
  const title = byId('confirm-title', HTMLElement);
  const text = byId('confirm-text', HTMLElement);
  const ok = byId('confirm-ok', HTMLButtonElement);
  const cancel = byId('confirm-cancel', HTMLButtonElement);
  let settle: ((yes: boolean) => void) | null = null;

  dialog.addEventListener('close', () => {
    const done = settle;
    settle = null;
    done?.(dialog.returnValue === 'ok');
  });

  return (options) => {
    if (dialog.open) dialog.close('cancel');
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    title.textContent = options.title;
    text.textContent = options.text;
    ok.textContent = options.ok;
    dialog.returnValue = '';
    dialog.showModal();
    cancel.focus();
    return new Promise<boolean>((resolve) => {
      settle = (yes) => {
        if (before?.isConnected) before.focus();
        resolve(yes);
      };
    });
  };
}
