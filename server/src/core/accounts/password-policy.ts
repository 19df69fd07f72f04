import { Limits } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';

const encoder = new TextEncoder();

/**
 * The rules a new password must meet. bcrypt reads only 72 bytes and stops at a NUL byte, so a
 * longer password or one with NUL is refused outright rather than silently shortened (ADR 0004).
 */
export function checkNewPassword(password: string, commonPasswords: ReadonlySet<string>): void {
  if ([...password].length < Limits.PASSWORD_MIN_CHARS) throw new ParleyError('PASSWORD_TOO_SHORT');
  if (!isBcryptSafe(password)) {
    throw new ParleyError(
      password.includes('\0') ? 'VALIDATION_FAILED' : 'PASSWORD_TOO_LONG',
      password.includes('\0') ? 'Passwords may not contain the NUL character.' : undefined,
    );
  }
  if (commonPasswords.has(password.toLowerCase())) throw new ParleyError('PASSWORD_TOO_COMMON');
}

/** True when bcrypt would see every byte of this password. */
export function isBcryptSafe(password: string): boolean {
  return !password.includes('\0') && encoder.encode(password).byteLength <= Limits.PASSWORD_MAX_BYTES;
}

export function isValidUsername(username: string): boolean {
  return Limits.USERNAME_PATTERN.test(username);
}
