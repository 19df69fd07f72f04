/**
 * The step-up prompt: whenever the server answers STEP_UP_REQUIRED, this modal asks for a fresh proof
 * (the password, plus a code when an authenticator app is on, or a passkey). It answers true once the
 * server accepted one, and the API then retries the refused call; false when the person cancels.
 * Calls refused at the same moment share one prompt. The password never outlives the dialog.
 */
import { startAuthentication } from '@simplewebauthn/browser';
import { ApiError } from '../api.js';
import { stepUpPasskeyOptions, stepUpWithPasskey, stepUpWithPassword } from '../api-strong.js';
import { byId } from './dom.js';
import { lockoutText } from './wait-text.js';
import { passkeyProblem } from './passkey-words.js';

export type StepUpPrompt = () => Promise<boolean>;

export function createStepUpPrompt(username: () => string): StepUpPrompt {
  const dialog = byId('step-up-dialog', HTMLDialogElement);
  const form = byId('step-up-form', HTMLFormElement);
  const user = byId('step-up-username', HTMLInputElement);
  const password = byId('step-up-password', HTMLInputElement);
  const code = byId('step-up-code', HTMLInputElement);
  const error = byId('step-up-error', HTMLParagraphElement);
  const confirm = byId('step-up-confirm', HTMLButtonElement);
  const passkey = byId('step-up-passkey', HTMLButtonElement);
  const cancel = byId('step-up-cancel', HTMLButtonElement);
  let pending: Promise<boolean> | null = null;
  let settle: ((proved: boolean) => void) | null = null;
  let busy = false;

  function say(text: string): void {
    error.textContent = text;
    error.hidden = text === '';
  }

  function setBusy(on: boolean): void {
    busy = confirm.disabled = passkey.disabled = on;
    if (on) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
  }

  async function prove(how: () => Promise<unknown>): Promise<void> {
    if (busy) return;
    say('');
    setBusy(true);
    try {
      await how();
      finish(true);
    } catch (err) {
      say(describe(err));
      if (err instanceof ApiError && err.isAuthFailure) finish(false);
      else password.focus();
    } finally {
      setBusy(false);
    }
  }

  function finish(proved: boolean): void {
    const done = settle;
    settle = null;
    pending = null;
    password.value = code.value = '';
    if (dialog.open) dialog.close();
    done?.(proved);
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (password.value === '') {
      say('Enter your password, or use a passkey.');
      password.focus();
      return;
    }
    void prove(() => stepUpWithPassword(password.value, code.value.trim()));
  });
  passkey.addEventListener(
    'click',
    () =>
      void prove(async () => {
        const { ceremonyId, options } = await stepUpPasskeyOptions();
        const response = await startAuthentication({ optionsJSON: options });
        await stepUpWithPasskey(ceremonyId, response);
      }),
  );
  cancel.addEventListener('click', () => finish(false));
  // Escape, or anything else that closes it, is a "no".
  dialog.addEventListener('close', () => finish(false));

  return () => {
    if (pending !== null) return pending;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    user.value = username();
    password.value = code.value = '';
    say('');
    dialog.showModal();
    password.focus();
    pending = new Promise<boolean>((resolve) => {
      settle = (proved) => {
        if (before?.isConnected) before.focus();
        resolve(proved);
      };
    });
    return pending;
  };
}

function describe(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'RATE_LIMITED') return lockoutText(err.retryAfter);
    if (err.code === 'INVALID_CREDENTIALS' || err.code === 'CURRENT_PASSWORD_WRONG')
      return 'That password is not correct.';
    if ((err.code as string) === 'INVALID_CODE')
      return 'That code is not correct, or was already used. Enter the newest one.';
    return err.message;
  }
  return passkeyProblem(err);
}
