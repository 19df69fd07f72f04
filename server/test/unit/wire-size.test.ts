import { describe, expect, it } from 'vitest';
import { jsonTextBytes, Limits, utf8Bytes, type Message } from '../../../protocol/index.js';
import { loadConfig } from '../../src/config.js';
import { budgetOn, messageBytes, newestWithin } from '../../src/core/reply-budget.js';

const onTheWire = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

const CORPUS = [
  '',
  'hello',
  '\u0001\u001f\u007f',
  '\b\t\n\f\r',
  '"quoted" \\ back\\slash',
  '\u2028\u2029',
  'é中文😀👩‍👩‍👧',
  '\uD83D', // a lone high surrogate (refused by the frame parser, still measured like JSON does)
  '\uDE00x',
  'a\uD83D\uDE00b',
  Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)).join(''),
];

describe('the wire size of message text', () => {
  it.each(CORPUS.map((text) => [JSON.stringify(text), text]))(
    'jsonTextBytes(%s) is the UTF-8 length of its JSON string',
    (_label, text) => {
      expect(jsonTextBytes(text)).toBe(onTheWire(text));
      expect(utf8Bytes(JSON.stringify(text))).toBe(onTheWire(text) + 2);
    },
  );

  it('legit maximal messages fit the default byte limit; hostile ones do not', () => {
    const fits = (text: string) => jsonTextBytes(text) <= Limits.MESSAGE_MAX_BYTES;
    expect(fits('😀'.repeat(4000))).toBe(true);
    expect(fits('中'.repeat(4000))).toBe(true);
    expect(fits('"\t\n\\'.repeat(1000))).toBe(true);
    expect(fits('\u0001'.repeat(4000))).toBe(false);
    expect(fits('\n'.repeat(12_000) + 'x'.repeat(4000))).toBe(false);
  });

  it('the frame overheads in Limits cover the largest ids, names and cursors', () => {
    const message: Message = {
      id: crypto.randomUUID(),
      room: 'r'.repeat(32),
      seq: Number.MAX_SAFE_INTEGER,
      user: { id: crypto.randomUUID(), username: 'u'.repeat(32), color: '#abcdef' },
      text: '',
      createdAt: new Date(8.64e15).toISOString(),
    };
    const ack = { type: 'ack', clientMsgId: '~'.repeat(Limits.CLIENT_MSG_ID_MAX), message };
    expect(utf8Bytes(JSON.stringify(ack))).toBeLessThanOrEqual(Limits.MESSAGE_FRAME_OVERHEAD_MAX);
    const send = { type: 'send', room: 'r'.repeat(32), text: '', clientMsgId: '~'.repeat(Limits.CLIENT_MSG_ID_MAX) };
    expect(utf8Bytes(JSON.stringify(send))).toBeLessThanOrEqual(Limits.SEND_FRAME_OVERHEAD_MAX);
  });
});

describe('the reply budget', () => {
  it('shrinks on a socket that already holds a backlog, so pipelined replies cannot pass the buffer', () => {
    const limits = { replyMaxBytes: 262_144, maxBufferedBytes: 1_048_576 };
    expect(budgetOn(limits, 0)).toBe(262_144);
    expect(budgetOn(limits, 900_000)).toBe(74_288);
    expect(budgetOn(limits, 2_000_000)).toBe(0);
    // Replies queued one after another on a socket that sends nothing meanwhile never add up past it.
    let buffered = 0;
    for (let i = 0; i < 50; i++) buffered += budgetOn(limits, buffered);
    expect(buffered).toBeLessThanOrEqual(limits.maxBufferedBytes);
  });

  const user = { id: 'u', username: 'ann', color: '#88ff88' };
  const message = (seq: number, text: string): Message => ({
    id: `m${seq}`,
    room: 'general',
    seq,
    user,
    text,
    createdAt: '',
  });

  it('keeps the newest messages that fit, and says it cut', () => {
    const messages = [1, 2, 3, 4].map((seq) => message(seq, 'x'.repeat(100)));
    const each = messageBytes(messages[0]!) + 1;
    expect(newestWithin(messages, each * 4)).toEqual({ messages, cut: false });
    const cut = newestWithin(messages, each * 2 + 10);
    expect(cut.messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(cut.cut).toBe(true);
  });

  it('always keeps one message, even one over the budget', () => {
    const messages = [message(1, 'a'), message(2, '\u0001'.repeat(10_000))];
    expect(newestWithin(messages, 100)).toEqual({ messages: [messages[1]], cut: true });
    expect(newestWithin([], 100)).toEqual({ messages: [], cut: false });
  });

  it('is half the send buffer, at most 256 KiB', () => {
    expect(loadConfig({}).replyMaxBytes).toBe(262_144);
    expect(loadConfig({ WS_MAX_BUFFERED_BYTES: '65536' }).replyMaxBytes).toBe(32_768);
    expect(loadConfig({ WS_MAX_BUFFERED_BYTES: '16777216' }).replyMaxBytes).toBe(262_144);
  });
});
