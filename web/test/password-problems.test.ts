/**
 * The change-password form's words: the checks before sending follow the server's rules (code points
 * for the minimum, UTF-8 bytes for the maximum, no NUL), and each refusal the server can give is said
 * plainly, about the right field.
 */
import { expect, it } from 'vitest';
import { ApiError } from '../src/api.js';
import { checkPasswordForm, describePasswordError, waitText } from '../src/ui/account/password-problems.js';

it('catches before sending what the server would refuse, counting as the server does', () => {
  expect(checkPasswordForm('', 'long enough pw', 'long enough pw')?.field).toBe('current');
  expect(checkPasswordForm('old', 'short', 'short')).toMatchObject({ field: 'new', text: /at least 8/ });
  // Eight emoji are eight characters (the server counts code points) and 32 bytes: accepted.
  const emoji = '🦊'.repeat(8);
  expect(checkPasswordForm('old', emoji, emoji)).toBeNull();
  // Seven astral characters are 14 UTF-16 units but 7 characters: too short.
  expect(checkPasswordForm('old', '🦊'.repeat(7), '🦊'.repeat(7))?.field).toBe('new');
  // 72 bytes pass, 73 do not (é is two bytes).
  const max = 'é'.repeat(36);
  expect(checkPasswordForm('old', max, max)).toBeNull();
  expect(checkPasswordForm('old', `${max}a`, `${max}a`)).toMatchObject({ field: 'new', text: /72 bytes/ });
  expect(checkPasswordForm('old', 'abc\0defgh', 'abc\0defgh')).toMatchObject({ field: 'new', text: /NUL/ });
  expect(checkPasswordForm('old', 'long enough pw', 'long enough pX')).toMatchObject({ field: 'confirm' });
});

it('says each refusal of the server in plain words, about the field it concerns', () => {
  const said = (code: ConstructorParameters<typeof ApiError>[1], status = 400, retryAfter?: number) =>
    describePasswordError(new ApiError(status, code, 'server words', retryAfter));
  expect(said('CURRENT_PASSWORD_WRONG', 403)).toEqual({
    field: 'current',
    text: 'Your current password is not correct. Nothing was changed.',
  });
  expect(said('PASSWORD_TOO_SHORT').field).toBe('new');
  expect(said('PASSWORD_TOO_LONG').text).toMatch(/too long/);
  expect(said('PASSWORD_TOO_COMMON').text).toMatch(/commonly used/);
  expect(said('RATE_LIMITED', 429, 45).text).toBe('Too many attempts. Try again in 45 seconds.');
  expect(said('RATE_LIMITED', 429, 600).text).toBe('Too many attempts. Try again in 10 minutes.');
  expect(said('NETWORK', 0).text).toBe('server words');
  expect(describePasswordError(new Error('boom')).field).toBeNull();
  expect(waitText(undefined)).toBe('a moment');
});
