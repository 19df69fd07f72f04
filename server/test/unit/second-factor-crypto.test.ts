import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { expect, it } from 'vitest';
import {
  findRecoveryCode,
  hashRecoveryCode,
  newRecoveryCodes,
} from '../../src/core/accounts/factors/recovery-codes.js';
import { SecretBox } from '../../src/core/accounts/factors/secret-box.js';
import { matchingStep, newTotpSecret } from '../../src/core/accounts/factors/totp-codes.js';

const KEY = randomBytes(48).toString('base64url');

it('seals a TOTP secret so that only the same key, for the same user, unaltered, opens it', () => {
  const box = new SecretBox(KEY);
  const secret = newTotpSecret();
  const sealed = box.seal(secret, 'user-1');
  expect(sealed).not.toContain(secret);
  expect(box.seal(secret, 'user-1')).not.toBe(sealed); // a fresh IV each time
  expect(box.open(sealed, 'user-1')).toBe(secret);
  expect(() => box.open(sealed, 'user-2')).toThrow();
  expect(() => new SecretBox(randomBytes(48).toString('base64url')).open(sealed, 'user-1')).toThrow();
  const [version, iv, body, tag] = sealed.split('.') as [string, string, string, string];
  const flipped = Buffer.from(body, 'base64url');
  flipped[0] = flipped[0]! ^ 1;
  expect(() => box.open([version, iv, flipped.toString('base64url'), tag].join('.'), 'user-1')).toThrow();
});

it('matches a code to its time step within one step either side, and nothing else', () => {
  const secret = newTotpSecret();
  const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 });
  const now = Date.UTC(2030, 0, 1, 12, 0, 15);
  const step = Math.floor(now / 30_000);
  expect(matchingStep(secret, totp.generate({ timestamp: now }), now)).toBe(step);
  expect(matchingStep(secret, totp.generate({ timestamp: now - 30_000 }), now)).toBe(step - 1);
  expect(matchingStep(secret, totp.generate({ timestamp: now + 30_000 }), now)).toBe(step + 1);
  expect(matchingStep(secret, totp.generate({ timestamp: now + 90_000 }), now)).toBeUndefined();
  expect(matchingStep(secret, 'abcdef', now)).toBeUndefined();
  expect(matchingStep(secret, '', now)).toBeUndefined();
});

it('makes ten distinct recovery codes and finds one whatever its case, spaces and dashes', () => {
  const codes = newRecoveryCodes();
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  const hashes = codes.map(hashRecoveryCode);
  const third = codes[2]!;
  expect(findRecoveryCode(third, hashes)).toBe(hashes[2]);
  expect(findRecoveryCode(` ${third.toUpperCase().replaceAll('-', ' ')} `, hashes)).toBe(hashes[2]);
  expect(findRecoveryCode('aaaa-bbbb-cccc-dddd', hashes)).toBeUndefined();
  expect(findRecoveryCode('', hashes)).toBeUndefined();
});
