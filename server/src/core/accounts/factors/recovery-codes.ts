import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
// RFC 4648 base32, lower case: 32 symbols, so `byte & 31` picks each with equal chance.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ten fresh codes like `k7mq-2xpa-5rtv-hn4e` (80 bits each), shown once, stored hashed. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = Array.from(bytes, (byte) => ALPHABET[byte & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Spaces, dashes and case do not matter when typed back. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code)).digest('base64url');
}

/**
 * The stored hash this code matches, if any. Every stored hash is compared, in constant time, and
 * the loop never stops early, so timing tells nothing about which (or whether one) matched.
 */
export function findRecoveryCode(code: string, storedHashes: readonly string[]): string | undefined {
  const presented = Buffer.from(hashRecoveryCode(code));
  let found: string | undefined;
  for (const hash of storedHashes) {
    const stored = Buffer.from(hash);
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = hash;
  }
  return found;
}
