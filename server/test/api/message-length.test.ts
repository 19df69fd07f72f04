/**
 * The server takes exactly what the shared rule (protocol/message-text.ts) says it takes: the
 * configured limit in emoji, ZWJ sequences, flags and combining marks is stored, one character
 * more is refused, for `send` and `edit` alike; and `ready.limits` tells clients the configured
 * numbers, not the defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCharacters, messageTextProblem } from '../../../protocol/index.js';
import { newUser, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

const FAMILY = '👩\u200D👩\u200D👧\u200D👦'; // 7 code points
const FLAG = '🇫🇷'; // 2 code points
const ACUTE = 'e\u0301'; // 2 code points

/** A text of exactly `chars` code points built from `unit` (padded with 'x' where it does not divide). */
function textOf(unit: string, chars: number): string {
  const per = countCharacters(unit);
  const text = unit.repeat(Math.floor(chars / per)) + 'x'.repeat(chars % per);
  expect(countCharacters(text)).toBe(chars);
  return text;
}

async function expectBoundary(client: TestClient, limits: { messageMaxChars: number; messageMaxBytes: number }) {
  const max = limits.messageMaxChars;
  for (const unit of ['😀', FAMILY, FLAG, ACUTE]) {
    const atLimit = textOf(unit, max);
    const over = textOf(unit, max + 1);
    expect(messageTextProblem(atLimit, limits)).toBeNull();
    expect(messageTextProblem(over, limits)).toMatchObject({ rule: 'too-many-chars' });

    const ack = await client.sendText(atLimit);
    expect(ack.message.text).toBe(atLimit);
    const id = globalThis.crypto.randomUUID();
    client.send({ type: 'send', room: 'general', text: over, clientMsgId: id });
    expect(await client.next('error', (f) => f.ref === id)).toMatchObject({
      code: 'MESSAGE_TOO_LONG',
      message: `Messages are at most ${max} characters.`,
    });

    // An edit follows the same rule.
    client.send({ type: 'edit', room: 'general', messageId: ack.message.id, text: over });
    expect(await client.next('error', (f) => f.ref === 'edit')).toMatchObject({ code: 'MESSAGE_TOO_LONG' });
    client.send({ type: 'edit', room: 'general', messageId: ack.message.id, text: `${textOf(unit, max - 1)}y` });
    const edit = await client.next('event', (f) => f.event.kind === 'edit' && f.event.messageId === ack.message.id);
    expect(edit.event.kind === 'edit' && countCharacters(edit.event.text)).toBe(max);
  }
}

describe('with the default limits', () => {
  let server: TestServer;
  let alice: Session;
  beforeAll(async () => {
    server = await startServer();
    alice = await newUser(server.url, 'len');
  });
  afterAll(() => server.close());

  it('takes 4000 characters of emoji, families, flags and combining marks, and refuses 4001', async () => {
    const client = await connect(server.wsUrl, alice);
    expect(client.frames[0]).toMatchObject({
      type: 'ready',
      limits: { messageMaxChars: 4000, messageMaxBytes: 16_384 },
    });
    await client.join();
    // 2,100 emoji are 4,200 UTF-16 units: taken.
    expect((await client.sendText('😀'.repeat(2100))).message.text).toHaveLength(4200);
    await expectBoundary(client, { messageMaxChars: 4000, messageMaxBytes: 16_384 });
    await client.close();
  });
});

describe('with a configured limit', () => {
  let server: TestServer;
  let alice: Session;
  const env = {
    MESSAGE_MAX_CHARS: '50',
    MESSAGE_MAX_BYTES: '2048',
    RATE_LIMIT_MESSAGES_PER_SECOND: '7',
    RATE_LIMIT_MESSAGES_BURST: '3',
  };
  beforeAll(async () => {
    server = await startServer({ env });
    alice = await newUser(server.url, 'len');
  });
  afterAll(() => server.close());

  it('advertises its own numbers in ready and holds to them', async () => {
    const client = await connect(server.wsUrl, alice);
    expect(client.frames[0]).toMatchObject({
      type: 'ready',
      limits: { messageMaxChars: 50, messageMaxBytes: 2048, messagesPerSecond: 7, messagesBurst: 3 },
    });
    await client.join();
    await expectBoundary(client, { messageMaxChars: 50, messageMaxBytes: 2048 });
    await client.close();
  });
});
