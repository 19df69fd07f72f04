import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceCookies } from '../../src/edge/auth/device-cookie.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OLD = 'the-previous-test-secret-long-enough-98765';

describe('DeviceCookies', () => {
  it('verifies what it issued, with a fresh nonce each time', () => {
    const cookies = new DeviceCookies(SECRET);
    const first = cookies.issue('user-1');
    const second = cookies.issue('user-1');
    expect(first).not.toBe(second);
    expect(cookies.verify(first)).toEqual({ userId: 'user-1', nonce: first.split('.')[1] });
  });

  it('refuses altered, truncated, padded or foreign values', () => {
    const cookies = new DeviceCookies(SECRET);
    const value = cookies.issue('user-1');
    const [id, nonce, mac] = value.split('.') as [string, string, string];
    for (const bad of [
      undefined,
      '',
      `${id}.${nonce}`,
      `${id}.${nonce}.`,
      `${id}.${nonce}.${mac}.x`,
      `user-2.${nonce}.${mac}`,
      `${id}.${nonce}x.${mac}`,
      `${id}.${nonce}.${mac.slice(0, -1)}`,
      `${id}.${nonce}.${mac}A`,
      `.${nonce}.${mac}`,
      new DeviceCookies(`${SECRET}-other`).issue('user-1'),
      'x'.repeat(300),
    ]) {
      expect(cookies.verify(bad), String(bad)).toBeUndefined();
    }
  });

  it('never uses the JWT secret itself as the HMAC key (HKDF derives its own)', () => {
    const value = new DeviceCookies(SECRET).issue('user-1');
    const [id, nonce, mac] = value.split('.') as [string, string, string];
    const underRawSecret = createHmac('sha256', SECRET).update(`${id}.${nonce}`).digest('base64url');
    expect(mac).not.toBe(underRawSecret);
  });

  it('accepts a cookie signed under JWT_SECRET_PREVIOUS during a rotation, and issues under the new secret', () => {
    const old = new DeviceCookies(OLD).issue('user-1');
    const rotating = new DeviceCookies(SECRET, OLD);
    expect(rotating.verify(old)?.userId).toBe('user-1');
    expect(new DeviceCookies(SECRET).verify(old)).toBeUndefined();
    expect(new DeviceCookies(SECRET).verify(rotating.issue('user-1'))?.userId).toBe('user-1');
  });
});
