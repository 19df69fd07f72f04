import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { S3BlobStore } from '../../src/adapters/blob-s3.js';
import { BlobUnavailableError } from '../../src/ports/blob-store.js';
import { startS3 } from '../helpers/s3.js';
import { waitUntil } from '../helpers/wait.js';
import { describeBlobStoreContract, streamOf } from './blob-store.contract.js';

/** A TCP server on 127.0.0.1: `close` to have a port that refuses connections. */
async function listen(
  onConnection: (socket: Socket) => void = () => undefined,
): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describeBlobStoreContract('S3 (s3rver)', async () => {
  const s3 = await startS3();
  const store = new S3BlobStore(s3.config);
  const opened: S3BlobStore[] = [store];
  return {
    store,
    // s3rver writes an object in place, to <directory>/<bucket>/<key>._S3rver_object: it has begun
    // once that file is there, or (over an old object) truncated and changed.
    receiving: (key) => {
      const path = join(s3.directory, s3.bucket, `${key}._S3rver_object`);
      const before = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
      return waitUntil(() => {
        const now = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
        return now !== undefined && now !== before;
      }, `s3rver writes ${key}`);
    },
    async unreachable() {
      const { server, port } = await listen();
      await new Promise((resolve) => server.close(resolve));
      const dead = new S3BlobStore({ ...s3.config, endpoint: `http://127.0.0.1:${port}` });
      opened.push(dead);
      return dead;
    },
    async dispose() {
      opened.forEach((client) => client.close());
      await s3.stop();
    },
  };
});

it('S3: a store that accepts connections but never answers fails each call at the request timeout', async () => {
  const sockets: Socket[] = [];
  const { server, port } = await listen((socket) => sockets.push(socket));
  const store = new S3BlobStore(
    {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket: 'silent',
      accessKeyId: 'AKIAEXAMPLEKEY',
      secretAccessKey: 'never-sent-only-signed',
      forcePathStyle: true,
    },
    { connectMs: 1000, requestMs: 1000, idleMs: 1000 },
  );
  try {
    const body = Buffer.from('into the void');
    const put = store.put('k1', streamOf(body), { size: body.length, contentType: 'text/plain' });
    await expect(put).rejects.toBeInstanceOf(BlobUnavailableError);
    const error = (await store.get('k1').catch((caught: unknown) => caught)) as BlobUnavailableError;
    expect(error).toBeInstanceOf(BlobUnavailableError);
    // Nothing secret in what the edge may log.
    const logged = JSON.stringify({ ...error, message: error.message, cause: String(error.cause) });
    expect(logged).not.toContain('never-sent-only-signed');
    expect(logged).not.toContain('AKIAEXAMPLEKEY');
  } finally {
    store.close();
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  }
});
