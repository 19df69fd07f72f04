import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { secretWeakness } from '../../src/secret-rules.js';

it.each([
  ['short', 'too-short-but-random-9f8e', /rule: length/],
  ['a placeholder', 'please-changeme-before-deploying-this-thing-ok', /rule: placeholder/],
  ['another placeholder', 'your-jwt-signing-key-goes-here-in-production', /rule: placeholder/],
  ['a repeated pattern', 'abc123abc123abc123abc123abc123abc123', /rule: repetitive/],
  ['one character', 'a'.repeat(40), /rule: repetitive/],
  ['a counting run', 'Zq01234567890123456789012345678901xy', /rule: repetitive/],
  ['few distinct characters', 'abababbbaabbaababababbabababbaabbaab', /rule: (repetitive|low-entropy)/],
])('refuses %s', (_label, secret, rule) => {
  expect(secretWeakness(secret)).toMatch(rule);
});

it('accepts generated secrets', () => {
  for (let i = 0; i < 2000; i++) {
    expect(secretWeakness(randomBytes(32).toString('base64url'))).toBeUndefined();
    expect(secretWeakness(randomBytes(24).toString('hex'))).toBeUndefined();
  }
});
