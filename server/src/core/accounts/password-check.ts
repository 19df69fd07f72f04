import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { LoginThrottle } from './login-throttle.js';
import { isBcryptSafe } from './password-policy.js';

export interface PasswordCheckDeps {
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  /** A hash of a random secret: compared against when there is no user, so timing tells nothing. */
  dummyHash: string;
}

/**
 * The password hash of an account that has no password (made by single sign-on): not a bcrypt hash,
 * and refused below before any comparison could read it, so no password ever matches it.
 */
export const NO_PASSWORD_HASH = '!no-password';

/** Whether the account can sign in with a password at all. */
export function hasPassword(hash: string): boolean {
  return hash !== NO_PASSWORD_HASH && hash.length > 0;
}

/**
 * One throttled bcrypt comparison (against the dummy hash when there is no user). True only for
 * the right password that bcrypt could read whole; the throttle hears the outcome either way.
 * Login, password change and step-up all go through here, so each guess counts the same.
 */
export async function checkPasswordThrottled(
  deps: PasswordCheckDeps,
  attempt: { username: string; ip: string; deviceNonce: string | undefined },
  password: string,
  hash: string | undefined,
): Promise<boolean> {
  const admitted = await deps.throttle.beginLogin(attempt.username, attempt.ip, attempt.deviceNonce);
  let matches = false;
  try {
    // An account without a password costs the same comparison (against the dummy hash) and never matches.
    const usable = hash !== undefined && hasPassword(hash) ? hash : undefined;
    matches =
      (await deps.hasher.verify(password, usable ?? deps.dummyHash)) && usable !== undefined && isBcryptSafe(password);
  } finally {
    if (matches) await admitted.succeeded();
    else admitted.failed();
  }
  return matches;
}
