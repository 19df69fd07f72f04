/** How a dialog reports a failed request: the server's message in its error line, or, when the session has ended, closing and handing over to the login screen. */
import { ApiError } from '../api.js';

export function dialogFailure(
  dialog: HTMLDialogElement,
  error: HTMLElement,
  onAuthFailure: () => void,
  fallback = 'That did not work.',
): (err: unknown) => void {
  return (err) => {
    if (err instanceof ApiError && err.isAuthFailure) {
      dialog.close();
      onAuthFailure();
      return;
    }
    error.textContent = err instanceof Error ? err.message : fallback;
    error.hidden = false;
  };
}
