/**
 * Change my password: current, new and again, and whether my other sessions are signed out. Each
 * problem is said in plain words next to the field it is about (`aria-invalid`, the error read out);
 * success says what happened. This session keeps its tokens and its socket: the server changes only
 * the hash and, if asked, ends the *other* sessions, so there is nothing to renew here.
 */
import type { User } from '../../../../protocol/frames.js';
import { ApiError, type changePassword } from '../../api.js';
import { byId } from '../dom.js';
import type { AccountSection } from './account-section.js';
import { checkPasswordForm, describePasswordError, type PasswordField } from './password-problems.js';

export interface PasswordSectionDeps {
  change: typeof changePassword;
  /** The server said this session has ended. */
  onAuthFailure: () => void;
}

export function createPasswordSection(deps: PasswordSectionDeps): AccountSection {
  const form = byId('password-form', HTMLFormElement);
  const username = byId('password-username', HTMLInputElement);
  const fields: Record<PasswordField, HTMLInputElement> = {
    current: byId('password-current', HTMLInputElement),
    new: byId('password-new', HTMLInputElement),
    confirm: byId('password-confirm', HTMLInputElement),
  };
  const logoutOthers = byId('password-logout-others', HTMLInputElement);
  const error = byId('password-error', HTMLParagraphElement);
  const done = byId('password-done', HTMLParagraphElement);
  const save = byId('password-save', HTMLButtonElement);
  let busy = false;

  function clearProblem(): void {
    error.hidden = true;
    error.textContent = '';
    for (const input of Object.values(fields)) {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-errormessage');
    }
  }

  function showProblem(field: PasswordField | null, text: string): void {
    error.textContent = text;
    error.hidden = false;
    if (field === null) return;
    const input = fields[field];
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', error.id);
    input.focus();
    input.select();
  }

  /** Forgets everything typed: passwords never outlive the form they were typed in. */
  function wipe(): void {
    for (const input of Object.values(fields)) input.value = '';
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (busy) return;
    clearProblem();
    done.textContent = '';
    const current = fields.current.value;
    const next = fields.new.value;
    const problem = checkPasswordForm(current, next, fields.confirm.value);
    if (problem !== null) return showProblem(problem.field, problem.text);
    const others = logoutOthers.checked;
    busy = save.disabled = true;
    form.setAttribute('aria-busy', 'true');
    deps
      .change({ currentPassword: current, newPassword: next, logoutOtherSessions: others })
      .then(
        () => {
          wipe();
          done.textContent = others
            ? 'Password changed. Your other sessions were signed out; this one stays signed in.'
            : 'Password changed. Your other sessions stay signed in; this one too.';
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.isAuthFailure) return deps.onAuthFailure();
          const said = describePasswordError(err);
          showProblem(said.field, said.text);
        },
      )
      .finally(() => {
        busy = save.disabled = false;
        form.removeAttribute('aria-busy');
      });
  });

  return {
    open(me: User) {
      username.value = me.username;
      wipe();
      clearProblem();
      done.textContent = '';
      logoutOthers.checked = true;
    },
    close() {
      wipe();
      clearProblem();
    },
  };
}
