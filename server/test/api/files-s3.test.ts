import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerOn, type ConversationServer } from '../helpers/conversations.js';
import { download, filesUnder, sendFiles, upload, uploaded } from '../helpers/files.js';
import { closeAll, moderatedRoom, person } from '../helpers/moderation.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

/**
 * One node with BLOB_STORE=s3 (s3rver): files go to the bucket and nowhere on the node's disk; when
 * the store goes away, uploads and downloads answer 503 FILES_UNAVAILABLE at once while chat goes on,
 * and no log line carries the credentials.
 */
let s3: TestS3;
let env: ConversationServer;
let s3Running = false;

beforeAll(async () => {
  s3 = await startS3();
  s3Running = true;
  env = await startServerOn('sqlite', { env: s3.env });
}, 90_000);
afterAll(async () => {
  await env?.close();
  if (s3Running) await s3.stop();
});

const objectsInBucket = () =>
  filesUnder(join(s3.directory, s3.bucket)).filter((path) => path.endsWith('._S3rver_object'));

describe('files on S3 (one node)', () => {
  it('keeps the bytes in the bucket; a dead store answers 503 FILES_UNAVAILABLE and chat goes on', async () => {
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const room = await moderatedRoom(alice, undefined, bob);
    const base = env.server.url;
    const bytes = randomBytes(300_000);
    const file = await uploaded(base, alice.session, room, bytes, 'notes.bin');
    expect((await sendFiles(alice.socket, room, 'here', [file.id])).type).toBe('ack');
    expect((await download(base, bob.session, file.id)).bytes.equals(bytes)).toBe(true);
    expect(objectsInBucket()).toHaveLength(1);
    expect(filesUnder(join(env.server.dataDir, 'files'))).toEqual([]);

    await s3.stop();
    s3Running = false;
    const refused = await upload(base, alice.session, room, randomBytes(1000), 'later.bin');
    expect([refused.status, refused.body.error?.code]).toEqual([503, 'FILES_UNAVAILABLE']);
    const unavailable = await download(base, bob.session, file.id);
    expect([unavailable.status, unavailable.code]).toEqual([503, 'FILES_UNAVAILABLE']);
    // Nothing of the refused upload is left behind on the node.
    expect(filesUnder(join(env.server.dataDir, 'tmp'))).toEqual([]);
    expect((await alice.socket.sendText('still here', room)).type).toBe('ack');

    const logs = env.server.logs.join('');
    expect(logs).not.toContain(s3.config.secretAccessKey);
    await closeAll(alice, bob);
  });
});
