/**
 * BlobStore on the local disk (the default, for one node): each object is a file under `root`.
 * A put writes to a temporary name in the same directory and renames it into place after fsync,
 * so a reader never sees half an object and a failed put leaves nothing under the key.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BLOB_KEY_PATTERN, BlobUnavailableError, type BlobStore } from '../ports/blob-store.js';

export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable): Promise<void> {
    const path = this.pathOf(key);
    const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(body, createWriteStream(temporary, { flags: 'wx' }));
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new BlobUnavailableError(error);
    }
  }

  async get(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new BlobUnavailableError(error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true });
    } catch (error) {
      throw new BlobUnavailableError(error);
    }
  }

  /** Keys are the server's own, but a bad one must never name a path outside the root. */
  private pathOf(key: string): string {
    if (!BLOB_KEY_PATTERN.test(key)) throw new Error(`invalid blob key: ${key}`);
    return join(this.root, key);
  }
}
