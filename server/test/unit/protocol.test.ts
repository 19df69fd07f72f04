import { describe, expect, it } from 'vitest';
import { ClientFrameSchema, parseClientFrame } from '../../../protocol/index.js';

describe('parseClientFrame', () => {
  it('accepts every documented client frame', () => {
    const frames = [
      { type: 'join', room: 'general' },
      { type: 'join', room: 'general', after: 12 },
      { type: 'leave', room: 'general' },
      { type: 'send', room: 'general', text: 'hi', clientMsgId: 'abc-1' },
      { type: 'history', room: 'general', before: 10, limit: 50 },
      { type: 'typing', room: 'general' },
      { type: 'ping' },
    ];
    for (const frame of frames) expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });

  it.each([
    ['not json', 'x'],
    ['a string', '"join"'],
    ['null', 'null'],
    ['an array', '[]'],
    ['an unknown type', '{"type":"nuke"}'],
    ['an extra key', '{"type":"ping","admin":true}'],
    ['__proto__', '{"type":"ping","__proto__":{"x":1}}'],
    ['constructor', '{"type":"join","room":"general","constructor":{"prototype":{"x":1}}}'],
    ['a bad room', '{"type":"join","room":"../etc"}'],
    ['a negative after', '{"type":"join","room":"general","after":-1}'],
    ['a fractional seq', '{"type":"history","room":"general","before":1.5,"limit":1}'],
    ['a huge limit', '{"type":"history","room":"general","before":5,"limit":1000}'],
    ['a control char in clientMsgId', '{"type":"send","room":"general","text":"x","clientMsgId":"a\\nb"}'],
    ['a NUL in text', '{"type":"send","room":"general","text":"a\\u0000b","clientMsgId":"a"}'],
    ['a lone surrogate in text', '{"type":"send","room":"general","text":"a\\ud800b","clientMsgId":"a"}'],
    ['a non-string text', '{"type":"send","room":"general","text":5,"clientMsgId":"a"}'],
  ])('refuses %s without throwing', (_label, text) => {
    const result = parseClientFrame(text);
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('keeps the clientMsgId as ref when a send frame is refused', () => {
    const result = parseClientFrame('{"type":"send","room":"general","text":5,"clientMsgId":"ref-me"}');
    expect(result).toMatchObject({ ok: false, ref: 'ref-me' });
  });

  it('refuses send text over 16000 code points, whatever its bytes (the core bounds those)', () => {
    const send = (text: string) => JSON.stringify({ type: 'send', room: 'general', text, clientMsgId: 'a' });
    expect(parseClientFrame(send('x'.repeat(16_000))).ok).toBe(true);
    expect(parseClientFrame(send('x'.repeat(16_001)))).toMatchObject({ ok: false, ref: 'a' });
    // zod counts code points: 16000 emoji are 32000 UTF-16 units and still pass the parser.
    expect(parseClientFrame(send('😀'.repeat(16_000))).ok).toBe(true);
    expect(parseClientFrame(send('😀'.repeat(16_001)))).toMatchObject({ ok: false, ref: 'a' });
  });

  it('is the same schema the types come from', () => {
    expect(ClientFrameSchema.safeParse({ type: 'ping' }).success).toBe(true);
  });
});
