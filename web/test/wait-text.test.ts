/** A lock-out says how long to wait in units a person reads at a glance, never too early. */
import { expect, it } from 'vitest';
import { lockoutText, waitText } from '../src/ui/wait-text.js';

it('says seconds under a minute, minutes under an hour and a half, hours beyond, rounding up', () => {
  expect(waitText(0)).toBe('1 s');
  expect(waitText(1)).toBe('1 s');
  expect(waitText(59)).toBe('59 s');
  expect(waitText(60)).toBe('1 min');
  expect(waitText(61)).toBe('2 min');
  expect(waitText(4 * 60)).toBe('4 min');
  expect(waitText(3600)).toBe('60 min');
  expect(waitText(89 * 60)).toBe('89 min');
  expect(waitText(90 * 60)).toBe('2 h');
  expect(waitText(5 * 3600 + 1)).toBe('6 h');
});

it('names the wait when the server gave one', () => {
  expect(lockoutText(240)).toBe('Too many attempts — try again in 4 min.');
  expect(lockoutText(undefined)).toMatch(/^Too many attempts/);
});
