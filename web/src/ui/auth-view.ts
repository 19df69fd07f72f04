/**
 * The login / register screen: one focused form, errors read out by screen readers. A lock-out
 * (429) says how long to wait; a suspended account says why; any error goes as soon as the next try
 * starts.
 */
import { ApiError, type Credentials } from '../api.js';
import { byId } from './dom.js';
import { suspendedText } from '../moderation/words.js';
import { lockoutText } from './wait-text.js';

export interface AuthHandlers {
  login: (creds: Credentials) => Promise<void>;
  /** Registers, then logs in. */
  register: (creds: Credentials) => Promise<void>;
  /** The person started typing: a good moment to fetch what comes after the login. */
  warm: () => void;
}

export interface AuthView {
  show(message?: string): void;
  hide(): void;
}

export function createAuthView(handlers: AuthHandlers): AuthView {
  const screen = byId('auth', HTMLElement);
  const form = byId('auth-form', HTMLFormElement);
  const username = byId('username', HTMLInputElement);
  const password = byId('password', HTMLInputElement);
  const loginBtn = byId('login-btn', HTMLButtonElement);
  const registerBtn = byId('register-btn', HTMLButtonElement);
  const error = byId('auth-error', HTMLParagraphElement);

  function setError(message: string): void {
    error.textContent = message;
    error.hidden = message === '';
  }

  async function run(action: (c: Credentials) => Promise<void>): Promise<void> {
    const creds = { username: username.value.trim(), password: password.value };
    if (creds.username === '' || creds.password === '') {
      setError('Enter a username and a password.');
      (creds.username === '' ? username : password).focus();
      return;
    }
    setError('');
    form.setAttribute('aria-busy', 'true');
    loginBtn.disabled = registerBtn.disabled = true;
    try {
      await action(creds);
      password.value = '';
    } catch (err) {
      setError(describe(err));
      password.focus();
    } finally {
      form.removeAttribute('aria-busy');
      loginBtn.disabled = registerBtn.disabled = false;
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(handlers.login);
  });
  registerBtn.addEventListener('click', () => void run(handlers.register));
  form.addEventListener('input', () => handlers.warm(), { once: true });

  return {
    show(message = '') {
      screen.hidden = false;
      setError(message);
      (username.value === '' ? username : password).focus();
    },
    hide() {
      screen.hidden = true;
      setError('');
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof ApiError && err.code === 'RATE_LIMITED') return lockoutText(err.retryAfter);
  if (err instanceof ApiError && err.code === 'ACCOUNT_SUSPENDED') return suspendedText(err.details.reason);
  return err instanceof Error ? err.message : 'Something failed.';
}
