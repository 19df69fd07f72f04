import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PresentedDevice } from '../../core/accounts/accounts.js';

/** HKDF info: a key for this one purpose, never the JWT key itself (ADR 0014). */
const INFO = 'parley device cookie v1';

/**
 * The device cookie (OWASP "device cookies" against account lockout): set at every successful
 * password login, it proves that this browser once knew the account's password, so a login from
 * it skips the per-username failure cap that strangers spraying the account have filled.
 * Its value is `<user id>.<nonce>.<HMAC-SHA256 of both>`, keyed by HKDF from JWT_SECRET; one
 * signed under JWT_SECRET_PREVIOUS is still accepted while a rotation is under way.
 */
export class DeviceCookies {
  private readonly keys: Buffer[];

  constructor(secret: string, previousSecret?: string) {
    this.keys = [secret, previousSecret]
      .filter((value): value is string => value !== undefined)
      .map((value) => Buffer.from(hkdfSync('sha256', value, '', INFO, 32)));
  }

  /** A fresh value for this user: a new nonce, so each login starts its own failure allowance. */
  issue(userId: string): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${userId}.${nonce}.${this.sign(this.keys[0]!, userId, nonce)}`;
  }

  /** The user and nonce of a value this server signed, else undefined; compared in constant time. */
  verify(value: string | undefined): PresentedDevice | undefined {
    if (value === undefined || value.length > 256) return undefined;
    const parts = value.split('.');
    if (parts.length !== 3) return undefined;
    const [userId, nonce, mac] = parts as [string, string, string];
    if (userId.length === 0 || nonce.length === 0) return undefined;
    const presented = Buffer.from(mac);
    const valid = this.keys.some((key) => {
      const expected = Buffer.from(this.sign(key, userId, nonce));
      return expected.length === presented.length && timingSafeEqual(expected, presented);
    });
    return valid ? { userId, nonce } : undefined;
  }

  private sign(key: Buffer, userId: string, nonce: string): string {
    return createHmac('sha256', key).update(`${userId}.${nonce}`, 'utf8').digest('base64url');
  }
}
