/**
 * The one definition of a message's length, shared by the server and the composer: code points,
 * counted the same whatever the script, and the first rule a text breaks.
 */
import { describe, expect, it } from 'vitest';
import {
  countCharacters,
  DEFAULT_MESSAGE_TEXT_LIMITS,
  isWellFormed,
  jsonTextBytes,
  messageTextProblem,
} from '../../../protocol/index.js';

const FAMILY = '👩\u200D👩\u200D👧\u200D👦'; // 4 people, 3 joiners: 7 code points, 11 UTF-16 units
const FLAG = '🇫🇷'; // two regional indicators
const ACUTE = 'e\u0301'; // 'é' written as a letter and a combining mark

describe('countCharacters', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(countCharacters('')).toBe(0);
    expect(countCharacters('hello')).toBe(5);
    expect(countCharacters('😀')).toBe(1);
    expect('😀'.repeat(2100)).toHaveLength(4200);
    expect(countCharacters('😀'.repeat(2100))).toBe(2100);
    expect(countCharacters(FAMILY)).toBe(7);
    expect(countCharacters(FLAG)).toBe(2);
    expect(countCharacters(ACUTE.repeat(10))).toBe(20);
    expect(countCharacters('中文')).toBe(2);
  });

  it('counts a lone surrogate as one, wherever it stands', () => {
    expect(countCharacters('\uD83D')).toBe(1);
    expect(countCharacters('\uDE00')).toBe(1);
    expect(countCharacters('a\uD83Db')).toBe(3);
    expect(countCharacters('\uDE00\uD83D')).toBe(2); // low then high: two lone halves
    expect(countCharacters('\uD83D\uD83D\uDE00')).toBe(2); // a lone high, then a pair
  });

  it('agrees with the string iterator on every text', () => {
    for (const text of ['', FAMILY, FLAG, ACUTE, '\uD83D', 'a\uDE00\uD83D\uDE00\uD83D', '😀x😀']) {
      expect(countCharacters(text)).toBe([...text].length);
    }
  });
});

describe('messageTextProblem', () => {
  const limits = { messageMaxChars: 10, messageMaxBytes: 1024 };

  it('refuses empty and whitespace-only text', () => {
    expect(messageTextProblem('', limits)).toEqual({ rule: 'empty' });
    expect(messageTextProblem(' \n\t\u00a0', limits)).toEqual({ rule: 'empty' });
  });

  it('counts after trimming, so surrounding whitespace costs no characters', () => {
    expect(messageTextProblem(`   ${'x'.repeat(10)}\n\n`, limits)).toBeNull();
    expect(messageTextProblem(`   ${'x'.repeat(11)}\n\n`, limits)).toEqual({
      rule: 'too-many-chars',
      chars: 11,
      limit: 10,
    });
  });

  it('takes exactly the limit in emoji, ZWJ sequences, flags and combining marks, and refuses one more', () => {
    const cases: [string, number][] = [
      ['😀', 1],
      [FLAG, 2],
      [ACUTE, 2],
    ];
    for (const [unit, points] of cases) {
      const atLimit = unit.repeat(10 / points);
      expect(countCharacters(atLimit)).toBe(10);
      expect(messageTextProblem(atLimit, limits)).toBeNull();
      expect(messageTextProblem(`${atLimit}x`, limits)).toMatchObject({ rule: 'too-many-chars', chars: 11 });
    }
    expect(messageTextProblem(`${FAMILY}abc`, limits)).toBeNull();
    expect(messageTextProblem(`${FAMILY}abcd`, limits)).toMatchObject({ rule: 'too-many-chars', chars: 11 });
  });

  it('takes 2,100 emoji under the default limit (4,200 UTF-16 units)', () => {
    expect(messageTextProblem('😀'.repeat(2100), DEFAULT_MESSAGE_TEXT_LIMITS)).toBeNull();
    expect(messageTextProblem('😀'.repeat(4000), DEFAULT_MESSAGE_TEXT_LIMITS)).toBeNull();
    expect(messageTextProblem('😀'.repeat(4001), DEFAULT_MESSAGE_TEXT_LIMITS)).toMatchObject({
      rule: 'too-many-chars',
    });
    const marks = ACUTE.repeat(2000);
    expect(messageTextProblem(marks, DEFAULT_MESSAGE_TEXT_LIMITS)).toBeNull();
    expect(messageTextProblem(`${marks}e`, DEFAULT_MESSAGE_TEXT_LIMITS)).toMatchObject({
      rule: 'too-many-chars',
      chars: 4001,
    });
  });

  it('refuses by wire bytes on the whole untrimmed text, after the character rule', () => {
    const tight = { messageMaxChars: 100, messageMaxBytes: 40 };
    expect(jsonTextBytes('😀'.repeat(10))).toBe(40);
    expect(messageTextProblem('😀'.repeat(10), tight)).toBeNull();
    expect(messageTextProblem('😀'.repeat(11), tight)).toEqual({ rule: 'too-many-bytes', bytes: 44, limit: 40 });
    // Whitespace is trimmed for characters but travels, so it counts in bytes.
    expect(messageTextProblem(`${'😀'.repeat(10)}\n`, tight)).toEqual({ rule: 'too-many-bytes', bytes: 42, limit: 40 });
    // Both broken: the character rule is named first.
    expect(messageTextProblem('😀'.repeat(101), tight)).toMatchObject({ rule: 'too-many-chars' });
  });

  it('measures lone surrogates as JSON escapes them; well-formedness is a rule of its own', () => {
    const tight = { messageMaxChars: 100, messageMaxBytes: 12 };
    expect(messageTextProblem('\uD83D\uD83D', tight)).toBeNull();
    expect(messageTextProblem('\uD83D\uD83Dx', tight)).toMatchObject({ rule: 'too-many-bytes', bytes: 13 });
    expect(isWellFormed('\uD83D')).toBe(false);
    expect(isWellFormed('a\uDE00')).toBe(false);
    expect(isWellFormed('nul\u0000')).toBe(false);
    expect(isWellFormed(`${FAMILY}${FLAG}${ACUTE}`)).toBe(true);
  });
});
