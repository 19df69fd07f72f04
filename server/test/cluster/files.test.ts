import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { GENEROUS_ROOM_LIMITS, restAs, roomName } from '../helpers/conversations.js';
import { download, filesUnder, png, sendFiles, uploaded } from '../helpers/files.js';
import { newUser, type Session } from '../helpers/http.js';
import type { ServerProcess } from '../helpers/process.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Files on two nodes (PostgreSQL + Redis) that share one S3-compatible bucket (s3rver), each with a
 * DATA_DIR of its own: what is uploaded through node A downloads, byte for byte, through node B,
 * which never had it on its disk; the room's gate refuses an outsider on B as on A; deleting the
 * message through B removes the objects from the bucket.
 */
let s3: TestS3;
let cluster: Cluster;
let a: ServerProcess;
let b: ServerProcess;
const dataDirs: string[] = [];
const open: TestClient[] = [];

beforeAll(async () => {
  s3 = await startS3();
  for (let i = 0; i < 2; i++) dataDirs.push(await mkdtemp(join(tmpdir(), 'parley-node-')));
  cluster = await startCluster(1, { ...GENEROUS_ROOM_LIMITS, ...s3.env, DATA_DIR: dataDirs[0]! });
  a = cluster.nodes[0]!;
  b = await cluster.addNode({ DATA_DIR: dataDirs[1]! });
}, 240_000);
afterAll(async () => {
  await Promise.all(open.map((client) => client.close()));
  await cluster?.stop();
  await s3?.stop();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function socket(node: ServerProcess, session: Session): Promise<TestClient> {
  const client = await connect(wsUrlOf(node), session);
  open.push(client);
  return client;
}

/** The objects s3rver holds in the test bucket. */
const objectsInBucket = () =>
  filesUnder(join(s3.directory, s3.bucket)).filter((path) => path.endsWith('._S3rver_object'));

describe('files on two nodes sharing one S3 bucket', () => {
  it('a file uploaded through A downloads byte-identical through B; an outsider is refused on both', async () => {
    const owner = await newUser(a.url, 'owner');
    const member = await newUser(b.url, 'member');
    const outsider = await newUser(b.url, 'outsider');
    const room = roomName('files');
    await restAs(a.url, owner).createRoom(room, 'private');
    await restAs(a.url, owner).invite(room, member.user.username);

    const binary = randomBytes(1024 * 1024 + 3);
    const doc = await uploaded(a.url, owner, room, binary, 'data.bin');
    const image = await uploaded(a.url, owner, room, await png(320, 200), 'red.png', 'image/png');
    const ownerSocket = await socket(a, owner);
    await ownerSocket.join(room);
    const ack = await sendFiles(ownerSocket, room, 'two files', [doc.id, image.id]);
    expect(ack.type).toBe('ack');
    const messageId = (ack as Extract<typeof ack, { type: 'ack' }>).message.id;

    const fromB = await download(b.url, member, doc.id);
    expect(fromB.status).toBe(200);
    expect(fromB.bytes.equals(binary)).toBe(true);
    expect(fromB.headers.get('content-disposition')).toMatch(/^attachment; /);
    // The image is re-encoded once, at upload: both nodes serve the same stored bytes.
    const imageFromA = await download(a.url, owner, image.id);
    const imageFromB = await download(b.url, member, image.id);
    expect(imageFromB.status).toBe(200);
    expect(imageFromB.bytes.equals(imageFromA.bytes)).toBe(true);
    const thumbFromB = await download(b.url, member, image.id, true);
    expect(thumbFromB.status).toBe(200);
    expect(thumbFromB.bytes.equals((await download(a.url, owner, image.id, true)).bytes)).toBe(true);

    // B has nothing of them on its own disk: the bytes came from the bucket.
    expect(filesUnder(dataDirs[1]!).filter((path) => path.endsWith('.blob'))).toEqual([]);
    expect(objectsInBucket().length).toBeGreaterThanOrEqual(3);

    for (const node of [b, a]) {
      for (const id of [doc.id, image.id]) {
        const refused = await download(node.url, outsider, id);
        expect([refused.status, refused.code]).toEqual([404, 'FILE_NOT_FOUND']);
        expect(refused.bytes.includes(binary.subarray(0, 64))).toBe(false);
      }
    }

    // Deleting the message through B takes its objects out of the bucket.
    const ownerOnB = await socket(b, owner);
    await ownerOnB.join(room);
    ownerOnB.send({ type: 'delete', room, messageId });
    await waitUntil(() => objectsInBucket().length === 0, 'the deleted message`s objects leave the bucket');
    expect((await download(b.url, member, doc.id)).code).toBe('FILE_NOT_FOUND');
  });
});
