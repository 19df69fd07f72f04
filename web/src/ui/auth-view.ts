/**
 * The login / register screen: one focused form, errors read out by screen readers. A lock-out
 * (429) says how long to wait; a suspended account says why; any error goes as soon as the next try
 * starts. "Sign in with a passkey" needs no username: the passkey says whose it is.
 */
import { ApiError, type Credentials } from '../api.js';
import { byId } from './dom.js';
import { passkeyProblem } from './passkey-words.js';
import { suspendedText } from '../moderation/words.js';
import { lockoutText } from './wait-text.js';

export interface AuthHandlers {
  login: (creds: Credentials) => Promise<void>;
  /** Registers, then logs in. */
  register: (creds: Credentials) => Promise<void>;
  /** Signs in with a discoverable passkey alone. */
  passkey: () => Promise<void>;
  /** The person started typing: a good moment to fetch what comes after the login. */
  warm: () => void;
}

export interface AuthView {
  show(message?: string): void;
  hide(): void;
  /** Hides the form (for the second step) without leaving the login screen. */
  hideForm(): void;
}

export function createAuthView(handlers: AuthHandlers): AuthView {
  const screen = byId('auth', HTMLElement);
  const form = byId('auth-form', HTMLFormElement);
  const username = byId('username', HTMLInputElement);
  const password = byId('password', HTMLInputElement);
  const loginBtn = byId('login-btn', HTMLButtonElement);
  const registerBtn = byId('register-btn', HTMLButtonElement);
  const passkeyBtn = byId('passkey-login-btn', HTMLButtonElement);
  const error = byId('auth-error', HTMLParagraphElement);

  function setError(message: string): void {
    error.textContent = message;
    error.hidden = message === '';
  }

  function setBusy(on: boolean): void {
    if (on) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
    loginBtn.disabled = registerBtn.disabled = passkeyBtn.disabled = on;
  }

  async function run(action: (c: Credentials) => Promise<void>): Promise<void> {
    const creds = { username: username.value.trim(), password: password.value };
    if (creds.username === '' || creds.password === '') {
      setError('Enter a username and a password.');
      (creds.username === '' ? username : password).focus();
      return;
    }
    setError('');
    setBusy(true);
    try {
      await action(creds);
      password.value = '';
    } catch (err) {
      setError(describe(err));
      password.focus();
    } finally {
      setBusy(false);
    }
  }

  async function withPasskey(): Promise<void> {
    setError('');
    setBusy(true);
    try {
      await handlers.passkey();
      password.value = '';
    } catch (err) {
      const plain = err instanceof ApiError && (err.code === 'RATE_LIMITED' || err.code === 'ACCOUNT_SUSPENDED');
      setError(plain ? describe(err) : passkeyProblem(err));
      passkeyBtn.focus();
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(handlers.login);
  });
  registerBtn.addEventListener('click', () => void run(handlers.register));
  passkeyBtn.addEventListener('click', () => void withPasskey());
  form.addEventListener('input', () => handlers.warm(), { once: true });

  return {
    show(message = '') {
      screen.hidden = false;
      form.hidden = false;
      setError(message);
      (username.value === '' ? username : password).focus();
    },
    hide() {
      screen.hidden = true;
      setError('');
    },
    hideForm() {
      form.hidden = true;
      setError('');
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof ApiError && err.code === 'RATE_LIMITED') return lockoutText(err.retryAfter);
  if (err instanceof ApiError && err.code === 'ACCOUNT_SUSPENDED') return suspendedText(err.details.reason);
  return err instanceof Error ? err.message : 'Something failed.';
}
