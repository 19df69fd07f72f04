/**
 * The second step of a password login, when the account has an authenticator app: the 6-digit code,
 * or one of the recovery codes (a switch between the two). The ticket lives only here, in memory,
 * and only until it is used, refused as expired, or "back" is pressed.
 */
import type { LoginResponse } from '../../../protocol/frames.js';
import { ApiError, type SecondStep } from '../api.js';
import { byId } from './dom.js';
import { lockoutText } from './wait-text.js';

export interface SecondStepHandlers {
  answer: (ticket: string, answer: { code: string } | { recoveryCode: string }) => Promise<LoginResponse>;
  /** Signed in: the tokens to adopt. */
  done: (res: LoginResponse) => Promise<void>;
  /** Back to the login form (with a message, when the ticket expired). */
  back: (message: string) => void;
}

export interface SecondStepView {
  show(step: SecondStep): void;
  hide(): void;
}

const CODE_TEXT = 'Enter the 6-digit code from your authenticator app.';
const RECOVERY_TEXT = 'Enter one of your recovery codes. Each works only once.';

export function createSecondStepView(handlers: SecondStepHandlers): SecondStepView {
  const form = byId('second-step-form', HTMLFormElement);
  const text = byId('second-step-text', HTMLParagraphElement);
  const label = byId('second-step-label', HTMLLabelElement);
  const input = byId('second-step-code', HTMLInputElement);
  const error = byId('second-step-error', HTMLParagraphElement);
  const submit = byId('second-step-btn', HTMLButtonElement);
  const toggle = byId('second-step-switch', HTMLButtonElement);
  const cancel = byId('second-step-cancel', HTMLButtonElement);
  let ticket: string | null = null;
  let recovery = false;
  let busy = false;

  function say(message: string): void {
    error.textContent = message;
    error.hidden = message === '';
    if (message === '') input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
  }

  function mode(useRecovery: boolean): void {
    recovery = useRecovery;
    text.textContent = useRecovery ? RECOVERY_TEXT : CODE_TEXT;
    label.textContent = useRecovery ? 'recovery code' : 'code';
    toggle.textContent = useRecovery ? 'use the app code' : 'use a recovery code';
    input.inputMode = useRecovery ? 'text' : 'numeric';
    input.autocomplete = useRecovery ? 'off' : 'one-time-code';
    input.value = '';
    say('');
    input.focus();
  }

  function close(): void {
    ticket = null;
    input.value = '';
    form.hidden = true;
    say('');
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = input.value.trim();
    if (busy || ticket === null) return;
    if (value === '') return say(recovery ? 'Enter a recovery code.' : 'Enter the code.');
    say('');
    busy = submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    handlers
      .answer(ticket, recovery ? { recoveryCode: value } : { code: value })
      .then(async (res) => {
        close();
        await handlers.done(res);
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && (err.code as string) === 'SECOND_STEP_EXPIRED') {
          close();
          return handlers.back('That took too long. Log in again.');
        }
        say(describe(err, recovery));
        input.select();
      })
      .finally(() => {
        busy = submit.disabled = false;
        form.removeAttribute('aria-busy');
      });
  });
  toggle.addEventListener('click', () => mode(!recovery));
  cancel.addEventListener('click', () => {
    close();
    handlers.back('');
  });

  return {
    show(step) {
      ticket = step.ticket;
      form.hidden = false;
      toggle.hidden = !step.methods.includes('recovery');
      mode(false);
    },
    hide: close,
  };
}

function describe(err: unknown, recovery: boolean): string {
  if (err instanceof ApiError && err.code === 'RATE_LIMITED') return lockoutText(err.retryAfter);
  if (err instanceof ApiError && (err.code as string) === 'INVALID_CODE') {
    return recovery
      ? 'That recovery code is not valid, or was already used.'
      : 'That code is not correct. Try the newest one.';
  }
  return err instanceof Error ? err.message : 'Something failed.';
}
