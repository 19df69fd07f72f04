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
    matches =
      (await deps.hasher.verify(password, hash ?? deps.dummyHash)) && hash !== undefined && isBcryptSafe(password);
  } finally {
    if (matches) await admitted.succeeded();
    else admitted.failed();
  }
  return matches;
}
