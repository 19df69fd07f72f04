/**
 * What can go wrong when I change my password, in plain words, and which field it is about. The
 * checks before sending mirror the server's rules (protocol/limits.ts), so most mistakes are caught
 * without a round trip; the server stays the judge, and its codes map to the same words.
 */
import { Limits } from '../../../../protocol/limits.js';
import { ApiError } from '../../api.js';

export type PasswordField = 'current' | 'new' | 'confirm';

export interface PasswordProblem {
  field: PasswordField | null;
  text: string;
}

const encoder = new TextEncoder();

const TOO_SHORT = `The new password is too short: use at least ${Limits.PASSWORD_MIN_CHARS} characters.`;
const TOO_LONG =
  `The new password is too long: at most ${Limits.PASSWORD_MAX_BYTES} bytes ` +
  '(letters with accents and emoji take more than one).';

/** A problem found before sending anything, or null when the form may go to the server. */
export function checkPasswordForm(current: string, next: string, confirm: string): PasswordProblem | null {
  if (current === '') return { field: 'current', text: 'Type your current password.' };
  // Code points, as the server counts them: an emoji is one character.
  if ([...next].length < Limits.PASSWORD_MIN_CHARS) return { field: 'new', text: TOO_SHORT };
  if (next.includes('\0')) return { field: 'new', text: 'The new password may not contain the NUL character.' };
  if (encoder.encode(next).byteLength > Limits.PASSWORD_MAX_BYTES) return { field: 'new', text: TOO_LONG };
  if (next !== confirm) return { field: 'confirm', text: 'The two new passwords are not the same. Type it again.' };
  return null;
}

/** The server's refusal in plain words. Nothing was changed in any of these cases. */
export function describePasswordError(err: unknown): PasswordProblem {
  if (!(err instanceof ApiError)) return { field: null, text: 'That did not work. Nothing was changed.' };
  switch (err.code) {
    case 'CURRENT_PASSWORD_WRONG':
      return { field: 'current', text: 'Your current password is not correct. Nothing was changed.' };
    case 'PASSWORD_TOO_SHORT':
      return { field: 'new', text: TOO_SHORT };
    case 'PASSWORD_TOO_LONG':
      return { field: 'new', text: TOO_LONG };
    case 'PASSWORD_TOO_COMMON':
      return {
        field: 'new',
        text: 'The new password is on a list of commonly used passwords, which are guessed first. Choose another.',
      };
    case 'RATE_LIMITED':
      return { field: null, text: `Too many attempts. Try again in ${waitText(err.retryAfter)}.` };
    case 'VALIDATION_FAILED':
      return { field: 'new', text: err.message };
    case 'NETWORK':
      // The request may or may not have arrived: promise nothing.
      return { field: null, text: err.message };
    default:
      return { field: null, text: `${err.message} Nothing was changed.` };
  }
}

/** "45 seconds", "3 minutes": how long a rate limit asks me to wait. */
export function waitText(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 1) return 'a moment';
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
