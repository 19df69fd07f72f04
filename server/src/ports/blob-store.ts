/**
 * The BlobStore port: where the bytes of shared files live (issue 18). Adapters: local disk under
 * DATA_DIR (default, one node) and S3-compatible object storage (MinIO, Ceph, AWS) that several
 * nodes share. The contract suite in server/test/contract proves every adapter alike.
 *
 * Keys are chosen by the server (random, `[A-Za-z0-9_-]`, with at most one `/`), never by a client;
 * `a` and `a/b` are two independent keys. Any other key is refused with a plain Error (a bug, not
 * an outage) before the store is touched.
 * - `put` reads `body` to its end and resolves once the bytes are durable and readable by `get` on
 *   any node sharing the store. `meta.size` must be the body's exact length (else the put fails).
 *   A put on an existing key replaces the object whole: a reader gets the old bytes or the new
 *   ones, never a mix. When `put` rejects, no object is left under the key, whatever was there
 *   before (a partial write is removed; on S3 as far as the store can still be reached).
 * - `get` streams an object's bytes; `undefined` when there is none.
 * - `delete` is idempotent: deleting a missing key succeeds.
 * Any failure to reach the store (or a body stream that fails) rejects with `BlobUnavailableError`.
 */
import type { Readable } from 'node:stream';

export interface BlobStore {
  put(key: string, body: Readable, meta: { size: number; contentType: string }): Promise<void>;
  get(key: string): Promise<Readable | undefined>;
  delete(key: string): Promise<void>;
}

/** The store did not answer or refused; nothing was written. The edge answers 503 FILES_UNAVAILABLE. */
export class BlobUnavailableError extends Error {
  override name = 'BlobUnavailableError';
  constructor(cause: unknown) {
    super('the blob store is unavailable', { cause });
  }
}

/** A key the server may use: what `put`, `get` and `delete` accept. */
export const BLOB_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}(\/[A-Za-z0-9_-]{1,128})?$/;

/** Throws unless `key` matches BLOB_KEY_PATTERN: a bad key must never reach a path or a URL. */
export function checkBlobKey(key: string): void {
  if (!BLOB_KEY_PATTERN.test(key)) throw new Error(`invalid blob key: ${JSON.stringify(key.slice(0, 300))}`);
}
