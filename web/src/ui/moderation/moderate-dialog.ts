/**
 * Mute, kick or ban one person in one room: a small modal <dialog> that says what will happen, asks
 * for a reason (the person sees it) and, for a mute, how long. Focus starts on the reason; Escape or
 * cancel closes it; the server's refusal (TARGET_OUTRANKS, FORBIDDEN…) is read out in it.
 */
import type { User } from '../../../../protocol/frames.js';
import '../../styles/moderation.css';
import { dialogFailure } from '../dialog-failure.js';
import { byId } from '../dom.js';

export type ModerateAction = 'mute' | 'kick' | 'ban';

export interface ModerateHandlers {
  mute: (room: string, username: string, seconds: number, reason: string) => Promise<void>;
  kick: (room: string, username: string, reason: string) => Promise<void>;
  ban: (room: string, username: string, reason: string) => Promise<void>;
  onAuthFailure: () => void;
}

export interface ModerateDialog {
  /** `done`: called once the action took effect. */
  open(action: ModerateAction, user: User, room: string, done?: () => void): void;
  close(): void;
}

const EXPLAIN: Record<ModerateAction, (who: string, room: string) => string> = {
  mute: (who, room) => `${who} will not be able to write, edit or react in #${room} until the time is up.`,
  kick: (who, room) => `${who} leaves #${room} now. They may join it again if it is public.`,
  ban: (who, room) => `${who} leaves #${room} now and cannot come back until the ban is lifted.`,
};

export function createModerateDialog(handlers: ModerateHandlers): ModerateDialog {
  const dialog = byId('moderate-dialog', HTMLDialogElement);
  const form = byId('moderate-form', HTMLFormElement);
  const title = byId('moderate-title', HTMLElement);
  const text = byId('moderate-text', HTMLElement);
  const durationLabel = byId('moderate-duration-label', HTMLElement);
  const duration = byId('moderate-duration', HTMLSelectElement);
  const reason = byId('moderate-reason', HTMLInputElement);
  const error = byId('moderate-error', HTMLElement);
  const ok = byId('moderate-ok', HTMLButtonElement);
  const fail = dialogFailure(dialog, error, handlers.onAuthFailure);
  let current: { action: ModerateAction; user: User; room: string; done: (() => void) | undefined } | null = null;

  byId('moderate-cancel', HTMLButtonElement).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => (current = null));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const target = current;
    if (target === null) return;
    const why = reason.value.trim();
    const { action, user, room } = target;
    const run =
      action === 'mute'
        ? handlers.mute(room, user.username, Number(duration.value), why)
        : handlers[action](room, user.username, why);
    error.hidden = true;
    ok.disabled = true;
    dialog.setAttribute('aria-busy', 'true');
    run
      .then(() => {
        if (current !== target) return;
        dialog.close();
        target.done?.();
      }, fail)
      .finally(() => {
        ok.disabled = false;
        dialog.removeAttribute('aria-busy');
      });
  });

  return {
    open(action, user, room, done) {
      if (dialog.open) dialog.close();
      current = { action, user, room, done };
      title.textContent = `${action} ${user.username}`;
      text.textContent = EXPLAIN[action](user.username, room);
      durationLabel.hidden = duration.hidden = action !== 'mute';
      ok.textContent = action;
      reason.value = '';
      error.hidden = true;
      dialog.showModal();
      reason.focus();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
