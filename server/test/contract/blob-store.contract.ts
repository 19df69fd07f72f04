import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobUnavailableError, type BlobStore } from '../../src/ports/blob-store.js';

export interface BlobStoreUnderTest {
  store: BlobStore;
  /**
   * Resolves once the store has begun to write `key`'s bytes. A failure is injected only then: a
   * store that writes in place (s3rver does; S3, MinIO and the disk adapter write atomically) would
   * otherwise begin its write after the adapter had cleaned up, and keep half an object.
   */
  receiving(key: string): Promise<void>;
  /** The same adapter, pointed at a store it cannot reach or write (every call must fail fast). */
  unreachable(): Promise<BlobStore>;
  dispose(): Promise<void>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `bytes` as a stream of `chunkSize` pieces, produced lazily, as an upload arrives. */
export function streamOf(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
    })(),
    { objectMode: false },
  );
}

/**
 * Sends `good` bytes; once the store is receiving them, fails (a client that disconnects halfway),
 * ends (a body shorter than declared), or sends one byte more (longer than declared).
 */
function body(good: Buffer, receiving: Promise<void>, then: 'fail' | 'end' | 'extra'): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return;
      sent = true;
      this.push(good);
      void receiving.then(() => {
        if (then === 'fail') this.destroy(new Error('the client went away'));
        else this.push(then === 'extra' ? Buffer.from('!') : null);
      });
    },
  });
}

const key = () => `k${randomBytes(8).toString('hex')}`;
const meta = (bytes: Buffer) => ({ size: bytes.length, contentType: 'application/octet-stream' });

/** The BlobStore contract (ports/blob-store.ts): every adapter passes it unchanged. */
export function describeBlobStoreContract(name: string, open: () => Promise<BlobStoreUnderTest>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let under: BlobStoreUnderTest;
    let store: BlobStore;
    beforeEach(async () => {
      under = await open();
      store = under.store;
    });
    afterEach(async () => {
      await under.dispose();
    });

    const roundTrip = async (bytes: Buffer, k = key()) => {
      await store.put(k, streamOf(bytes), meta(bytes));
      const stream = await store.get(k);
      expect(stream).toBeDefined();
      return readAll(stream!);
    };

    it('gives back exactly the bytes it was given: every byte value, empty, and 3 MB streamed', async () => {
      const everyByte = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      expect((await roundTrip(everyByte)).equals(everyByte)).toBe(true);
      expect((await roundTrip(Buffer.alloc(0))).length).toBe(0);
      const big = randomBytes(3 * 1024 * 1024 + 17);
      expect((await roundTrip(big)).equals(big)).toBe(true);
    });

    it('a key and a key under it are two objects; a key with a slash works', async () => {
      const k = key();
      const outer = Buffer.from('outer');
      const inner = Buffer.from('inner thumbnail');
      await store.put(k, streamOf(outer), meta(outer));
      await store.put(`${k}/thumb`, streamOf(inner), meta(inner));
      expect((await readAll((await store.get(k))!)).toString()).toBe('outer');
      expect((await readAll((await store.get(`${k}/thumb`))!)).toString()).toBe('inner thumbnail');
      await store.delete(k);
      expect(await store.get(k)).toBeUndefined();
      expect((await readAll((await store.get(`${k}/thumb`))!)).toString()).toBe('inner thumbnail');
    });

    it('a put on an existing key replaces the object whole', async () => {
      const k = key();
      const first = randomBytes(200_000);
      const second = Buffer.from('short');
      await roundTrip(first, k);
      expect((await roundTrip(second, k)).equals(second)).toBe(true);
    });

    it('get of a key never written answers undefined', async () => {
      expect(await store.get(key())).toBeUndefined();
      expect(await store.get(`${key()}/thumb`)).toBeUndefined();
    });

    it('delete removes the object and is idempotent', async () => {
      const k = key();
      await roundTrip(Buffer.from('bye'), k);
      await store.delete(k);
      expect(await store.get(k)).toBeUndefined();
      await store.delete(k);
      await store.delete(key());
      await store.delete(`${key()}/thumb`);
    });

    const refusedPut = async (k: string, good: Buffer, declared: number, then: 'fail' | 'end' | 'extra') => {
      const put = store.put(k, body(good, under.receiving(k), then), { size: declared, contentType: 'x/y' });
      await expect(put).rejects.toBeInstanceOf(BlobUnavailableError);
      expect(await store.get(k)).toBeUndefined();
    };

    it('a put whose body fails halfway rejects and leaves no object, even over an old one', async () => {
      const k = key();
      await refusedPut(k, randomBytes(1024 * 1024), 4 * 1024 * 1024, 'fail');
      await roundTrip(Buffer.from('old'), k);
      await refusedPut(k, randomBytes(300_000), 600_000, 'fail');
    });

    it('a body shorter or longer than its declared size is refused and leaves no object', async () => {
      const k = key();
      await refusedPut(k, randomBytes(10_000), 10_001, 'end');
      await refusedPut(k, randomBytes(10_000), 10_000, 'extra');
    });

    it('refuses keys outside BLOB_KEY_PATTERN before touching the store', async () => {
      const bad = [
        '',
        '../etc/passwd',
        '..',
        'a/../b',
        'a/b/c',
        '/a',
        'a/',
        'a.b',
        'a b',
        'é',
        'a\\b',
        'x'.repeat(129),
      ];
      for (const k of bad) {
        const body = Buffer.from('no');
        const refused = store.put(k, streamOf(body), meta(body));
        await expect(refused).rejects.toThrow(/invalid blob key/);
        await expect(refused).rejects.not.toBeInstanceOf(BlobUnavailableError);
        await expect(store.get(k)).rejects.toThrow(/invalid blob key/);
        await expect(store.delete(k)).rejects.toThrow(/invalid blob key/);
      }
    });

    it('concurrent puts of different keys all land intact', async () => {
      const objects = Array.from({ length: 16 }, (_, i) => ({ k: key(), bytes: randomBytes(50_000 + i * 7919) }));
      await Promise.all(objects.map(({ k, bytes }) => store.put(k, streamOf(bytes, 8192), meta(bytes))));
      const back = await Promise.all(objects.map(async ({ k }) => readAll((await store.get(k))!)));
      back.forEach((bytes, i) => expect(bytes.equals(objects[i]!.bytes)).toBe(true));
    });

    it('an unreachable store rejects every call with BlobUnavailableError, without hanging', async () => {
      const dead = await under.unreachable();
      const body = Buffer.from('lost');
      const started = Date.now();
      await expect(dead.put(key(), streamOf(body), meta(body))).rejects.toBeInstanceOf(BlobUnavailableError);
      await expect(dead.get(key())).rejects.toBeInstanceOf(BlobUnavailableError);
      await expect(dead.delete(key())).rejects.toBeInstanceOf(BlobUnavailableError);
      // A ceiling far below any request timeout: a refused connection must not wait for one.
      expect(Date.now() - started).toBeLessThan(15_000);
    });
  });
}
