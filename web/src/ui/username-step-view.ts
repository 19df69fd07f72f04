/**
 * The username step of a first single sign-on: the provider's name for the person is taken or not a
 * valid username here, so they pick one (the field starts with the server's suggestion, when it has
 * one). The ticket lives only here, in memory, until it is used, refused as expired, or "back" is
 * pressed. A taken or invalid name is said beside the field and the step stays.
 */
import type { LoginResponse } from '../../../protocol/frames.js';
import type { ChooseUsernameAnswer } from '../../../protocol/sso.js';
import { ApiError } from '../api.js';
import { byId } from './dom.js';
import { ssoSignInProblem, usernameProblem } from './sso-words.js';

export interface UsernameStepHandlers {
  choose: (ticket: string, username: string) => Promise<LoginResponse>;
  /** Signed in: the tokens to adopt. */
  done: (res: LoginResponse) => Promise<void>;
  /** Back to the login form (with a message, when the ticket expired). */
  back: (message: string) => void;
}

export interface UsernameStepView {
  show(step: ChooseUsernameAnswer['chooseUsername']): void;
  hide(): void;
}

/** Refusals that concern the name typed: the step stays, with the reason beside the field. */
const ABOUT_THE_NAME: ReadonlySet<string> = new Set(['USERNAME_TAKEN', 'INVALID_USERNAME', 'RATE_LIMITED']);

export function createUsernameStepView(handlers: UsernameStepHandlers): UsernameStepView {
  const form = byId('sso-username-form', HTMLFormElement);
  const input = byId('sso-username', HTMLInputElement);
  const error = byId('sso-username-error', HTMLParagraphElement);
  const submit = byId('sso-username-btn', HTMLButtonElement);
  const cancel = byId('sso-username-cancel', HTMLButtonElement);
  let ticket: string | null = null;
  let busy = false;

  function say(message: string): void {
    error.textContent = message;
    error.hidden = message === '';
    if (message === '') input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
  }

  function close(): void {
    ticket = null;
    input.value = '';
    form.hidden = true;
    say('');
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = input.value.trim();
    if (busy || ticket === null) return;
    if (name === '') {
      say('Pick a username.');
      input.focus();
      return;
    }
    say('');
    busy = submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    handlers
      .choose(ticket, name)
      .then(async (res) => {
        close();
        await handlers.done(res);
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && !err.isNetwork && !ABOUT_THE_NAME.has(err.code)) {
          // The ticket is spent or expired (EXCHANGE_CODE_INVALID), or the account cannot sign in.
          close();
          return handlers.back(ssoSignInProblem(err));
        }
        say(usernameProblem(err));
        input.select();
      })
      .finally(() => {
        busy = submit.disabled = false;
        form.removeAttribute('aria-busy');
      });
  });
  cancel.addEventListener('click', () => {
    close();
    handlers.back('');
  });

  return {
    show(step) {
      ticket = step.ticket;
      form.hidden = false;
      input.value = step.suggestion ?? '';
      say('');
      input.focus();
      input.select();
    },
    hide: close,
  };
}
