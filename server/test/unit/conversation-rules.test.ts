import { describe, expect, it } from 'vitest';
import { isReactionEmoji, isWellFormed, Limits, replyExcerpt } from '../../../protocol/index.js';
import { DM_NAME_PATTERN, dmRoomName } from '../../src/core/conversations/actions/open-dm.js';
import { mentionedNames } from '../../src/core/messages/mentions.js';

describe('reaction emoji', () => {
  it('accepts exactly one emoji, sequences included', () => {
    for (const emoji of ['👍', '👍🏽', '👨‍👩‍👧‍👦', '🇫🇷', '1️⃣', '❤️', '🏳️‍🌈']) expect(isReactionEmoji(emoji)).toBe(true);
  });
  it('refuses text, two emoji, a lone joiner, and the empty string', () => {
    for (const text of ['a', '👍👍', '', '\u200d', ' 👍', '👍 ', ':+1:', '<b>', '\u0000']) {
      expect(isReactionEmoji(text)).toBe(false);
    }
  });
});

describe('mentions', () => {
  it('finds @names as people write them, lower-cased and once each', () => {
    expect(mentionedNames('hi @Alice and @bob_2, @alice again')).toEqual(['alice', 'bob_2']);
  });
  it('ignores addresses, too-short names and names glued to words', () => {
    expect(mentionedNames('mail me@example.com or @ab or x@carol')).toEqual([]);
  });
  it('stops at the limit', () => {
    const text = Array.from({ length: 80 }, (_, i) => `@user_${i}`).join(' ');
    expect(mentionedNames(text)).toHaveLength(Limits.MENTIONS_PER_MESSAGE_MAX);
  });
});

describe('DM names', () => {
  it('are the same whoever opens the conversation, and fit the room pattern', () => {
    const name = dmRoomName(['b-id', 'a-id']);
    expect(name).toBe(dmRoomName(['a-id', 'b-id', 'a-id']));
    expect(name).toMatch(DM_NAME_PATTERN);
    expect(name).toMatch(Limits.ROOM_PATTERN);
    expect(dmRoomName(['a-id', 'c-id'])).not.toBe(name);
  });
});

describe('reply excerpts', () => {
  it('are one line, cut at the limit by characters, never inside a surrogate pair', () => {
    expect(replyExcerpt('  a\n\nb\tc ')).toBe('a b c');
    const long = '😀'.repeat(Limits.REPLY_EXCERPT_CHARS + 5);
    const cut = replyExcerpt(long);
    expect([...cut]).toHaveLength(Limits.REPLY_EXCERPT_CHARS + 1);
    expect(cut.endsWith('…')).toBe(true);
    expect(isWellFormed(cut)).toBe(true);
  });
});
