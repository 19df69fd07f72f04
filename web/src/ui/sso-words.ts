/** What the single sign-on refusals say to a person: what happened and what to do next. */
import { ApiError } from '../api.js';
import { suspendedText } from '../moderation/words.js';
import { lockoutText } from './wait-text.js';

const AGAIN = 'Sign in again.';

/** An error of the exchange or the username step, for the login screen. */
export function ssoSignInProblem(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : 'Signing in failed.';
  switch (err.code as string) {
    case 'EXCHANGE_CODE_INVALID':
      return `That sign-in has expired or was already used. ${AGAIN}`;
    case 'SSO_PROVIDER_NOT_FOUND':
      return `That sign-in provider is not available any more. ${AGAIN}`;
    case 'SSO_FAILED':
    case 'SSO_STATE_INVALID':
      return `The sign-in could not be verified. ${AGAIN}`;
    case 'ACCOUNT_SUSPENDED':
      return suspendedText(err.details.reason);
    case 'RATE_LIMITED':
      return lockoutText(err.retryAfter);
    default:
      return err.message;
  }
}

/** A refused username at the username step, said beside the field. */
export function usernameProblem(err: unknown): string {
  if (err instanceof ApiError && err.code === 'USERNAME_TAKEN') return 'That username is taken. Pick another.';
  if (err instanceof ApiError && err.code === 'INVALID_USERNAME') {
    return 'A username is 3–32 letters, digits or _ (no spaces).';
  }
  return ssoSignInProblem(err);
}

/** A refused link or unlink, on the security page. */
export function identityProblem(err: unknown, action: 'link' | 'unlink'): string {
  if (err instanceof ApiError) {
    if (err.needsStepUp) {
      // An account made by single sign-on has no password: a passkey, or a fresh sign-in, is its proof.
      return `Not ${action}ed: it needs you to confirm it is you (your password or a passkey; without either, sign in again and do it right after).`;
    }
    switch (err.code as string) {
      case 'LAST_SIGN_IN_METHOD':
        return 'This is your only way to sign in, so it stays. Add a passkey or link another provider first.';
      case 'SSO_IDENTITY_NOT_FOUND':
        return 'That sign-in is not linked any more.';
      case 'SSO_IDENTITY_TAKEN':
        return 'That account at the provider is already linked to another Parley account.';
      case 'SSO_PROVIDER_NOT_FOUND':
        return 'That sign-in provider is not available any more.';
      case 'RATE_LIMITED':
        return lockoutText(err.retryAfter);
      default:
        return err.message;
    }
  }
  return err instanceof Error ? err.message : 'Something failed.';
}
