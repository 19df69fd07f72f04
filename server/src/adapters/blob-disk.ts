/**
 * BlobStore on the local disk (the default, for one node): each object is a file under `root`,
 * `<key>.blob` (so `a` and `a/b` can both exist: `a.blob` beside the folder `a`). A put writes to a
 * temporary name in the same directory and renames it into place after fsync, so a reader never
 * sees half an object, and a failed put leaves nothing under the key.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobUnavailableError, checkBlobKey, type BlobStore } from '../ports/blob-store.js';
import { exactLength } from './blob-length.js';

export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable, meta: { size: number }): Promise<void> {
    const path = this.pathOf(key);
    // No dot in a key, so a temporary name never collides with another key's file.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(body, exactLength(meta.size), createWriteStream(temporary, { flags: 'wx' }));
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      body.destroy();
      await rm(temporary, { force: true }).catch(() => undefined);
      await rm(path, { force: true }).catch(() => undefined);
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
    const path = this.pathOf(key);
    try {
      await rm(path, { force: true });
    } catch (error) {
      throw new BlobUnavailableError(error);
    }
  }

  /** Keys are the server's own, but a bad one must never name a path outside the root. */
  private pathOf(key: string): string {
    checkBlobKey(key);
    return join(this.root, `${key}.blob`);
  }
}
