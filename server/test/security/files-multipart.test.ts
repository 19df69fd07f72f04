import { randomBytes } from 'node:crypto';
import { connect as tcp } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverForSuite } from '../helpers/conversations.js';
import { filePart, filesUnder, multipartBody, postRaw, upload } from '../helpers/files.js';
import { closeAll, moderatedRoom, person, seen } from '../helpers/moderation.js';
import type { Session } from '../helpers/http.js';

const B = 'parley-boundary-1234';
const FORM = `multipart/form-data; boundary=${B}`;
const field = (name: string) => `Content-Disposition: form-data; name="${name}"`;

/** Crafted bodies, each with the answer it must get (never a 500). */
const CRAFTED: { name: string; contentType: string; body: Buffer | string; status: number; code: string }[] = [
  { name: 'no part at all', contentType: FORM, body: `--${B}--\r\n`, status: 400, code: 'UPLOAD_INVALID' },
  { name: 'an empty body', contentType: FORM, body: '', status: 400, code: 'UPLOAD_INVALID' },
  {
    name: 'two files',
    contentType: FORM,
    body: multipartBody(B, [
      [filePart('file'), 'one'],
      [filePart('file'), 'two'],
    ]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'the wrong field name',
    contentType: FORM,
    body: multipartBody(B, [[filePart('upload'), 'one']]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a text field, no file',
    contentType: FORM,
    body: multipartBody(B, [[field('file'), 'just text']]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a field before the file',
    contentType: FORM,
    body: multipartBody(B, [
      [field('note'), 'hi'],
      [filePart('file'), 'one'],
    ]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a field after the file',
    contentType: FORM,
    body: multipartBody(B, [
      [filePart('file'), 'one'],
      [field('note'), 'hi'],
    ]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a truncated body (no closing boundary)',
    contentType: FORM,
    body: multipartBody(B, [[filePart('file'), 'half a fi']], false).subarray(0, -2),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a huge part header before the disposition',
    contentType: FORM,
    body: multipartBody(B, [[`X-Pad: ${'a'.repeat(200_000)}\r\n${filePart('file')}`, 'x']]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    // What passes 8 KiB of a part's headers is skipped, unread into memory: the part stands as it is.
    name: 'a huge part header after the disposition',
    contentType: FORM,
    body: multipartBody(B, [[`${filePart('file', 'padded.bin')}\r\nX-Pad: ${'a'.repeat(200_000)}`, 'x']]),
    status: 201,
    code: '',
  },
  {
    name: 'many part headers before the disposition',
    contentType: FORM,
    body: multipartBody(B, [[`${'X-A: b\r\n'.repeat(500)}${filePart('file')}`, 'x']]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a multipart type without a boundary',
    contentType: 'multipart/form-data',
    body: multipartBody(B, [[filePart('file'), 'one']]),
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a JSON body',
    contentType: 'application/json',
    body: '{"file":"AAAA"}',
    status: 400,
    code: 'UPLOAD_INVALID',
  },
  {
    name: 'a body type no route takes',
    contentType: 'application/x-parley',
    body: 'x',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    // filename* wins (RFC 7578 says ignore it; busboy reads it): `../` → nothing left → `file`.
    name: 'a file name with a path and quotes',
    contentType: FORM,
    body: multipartBody(B, [
      [`Content-Disposition: form-data; name="file"; filename="../../x\\"y"; filename*=UTF-8''%2e%2e%2f`, 'ok'],
    ]),
    status: 201,
    code: '',
  },
];

/** A request whose headers are larger than Node accepts (16 KiB): 431 from the HTTP parser. */
async function hugeHeaders(url: string, session: Session, room: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = tcp(Number(port), hostname);
  const answer = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
  socket.write(
    `POST /api/v1/rooms/${room}/files HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${session.accessToken}\r\n` +
      `X-Pad: ${'a'.repeat(40_000)}\r\nContent-Type: ${FORM}\r\nContent-Length: 4\r\n\r\nabcd`,
  );
  return answer;
}

describe('crafted multipart bodies get a documented answer, never a 500, and leave nothing behind', () => {
  const env = serverForSuite('sqlite', { env: { FILE_MAX_BYTES: '65536' } });

  it('each crafted body is refused as documented', async () => {
    const mallory = await person(env, 'mallory');
    const room = await moderatedRoom(mallory, undefined);
    for (const crafted of CRAFTED) {
      const answer = await postRaw(env.server.url, mallory.session, room, crafted.body, crafted.contentType);
      expect({ name: crafted.name, ...answer }, crafted.name).toEqual({
        name: crafted.name,
        status: crafted.status,
        code: crafted.status === 201 ? undefined : crafted.code,
      });
    }
    expect(await hugeHeaders(env.server.url, mallory.session, room)).toMatch(/^HTTP\/1\.1 431 /);
    const stored = await env.raw.rows(`select name from files where uploader_id = '${mallory.session.user.id}'`);
    expect(stored.map((row) => row['name']).sort()).toEqual(['file', 'padded.bin']);
    expect(filesUnder(join(env.server.dataDir, 'tmp'))).toEqual([]);
    expect(env.server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
    await closeAll(mallory);
  });

  it('an attack of crafted and oversized uploads leaves an honest pair chatting, losing nothing', async () => {
    const mallory = await person(env, 'mallory');
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const attacked = await moderatedRoom(mallory, undefined);
    const room = await moderatedRoom(alice, undefined, bob);

    const statuses: number[] = [];
    let attacking = true;
    const attacker = async () => {
      let i = 0;
      while (attacking) {
        const crafted = CRAFTED[i++ % CRAFTED.length]!;
        const answer =
          i % 4 === 0
            ? await upload(env.server.url, mallory.session, attacked, randomBytes(400_000), 'big.bin')
            : await postRaw(env.server.url, mallory.session, attacked, crafted.body, crafted.contentType);
        statuses.push(answer.status);
      }
    };
    const attack = Promise.all([attacker(), attacker(), attacker(), attacker(), attacker(), attacker()]);

    const sent: string[] = [];
    // At least 40 messages, and on until the attack has had 30 answers (it runs all along).
    for (let i = 0; i < 40 || (statuses.length < 30 && i < 1000); i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      const ack = await from.socket.sendText(`honest ${i}`, room);
      sent.push(ack.message.id);
      await seen(to.socket, 'message', (f) => f.message.id === ack.message.id);
    }
    attacking = false;
    await attack;

    const seqs = bob.socket.framesOf('message').filter((f) => f.message.room === room);
    expect(seqs.map((f) => f.message.seq)).toEqual([...seqs.map((f) => f.message.seq)].sort((a, b) => a - b));
    // Everything the pair sent is stored and in the room's history, in order.
    const history = await alice.rest.get<{ messages: { id: string }[] }>(`/rooms/${room}/messages?limit=100`);
    expect(history.body.messages.map((m) => m.id).slice(-Math.min(sent.length, 100))).toEqual(sent.slice(-100));
    expect(statuses.length).toBeGreaterThan(20);
    // 201 (the one well-formed file), 400, 413, 415, 429 (more than 4 at once): never a 5xx.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses).size).toBeGreaterThan(2);
    expect(filesUnder(join(env.server.dataDir, 'tmp'))).toEqual([]);
    expect(env.server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
    await closeAll(mallory, alice, bob);
  });
});
