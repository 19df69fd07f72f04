/**
 * Files shared in rooms (issue 18): the rows that say whose bytes lie under which blob keys. The
 * bytes themselves live in the BlobStore (blob-store.ts); a row is written only once its blobs are
 * stored, and the blobs of a removed row are deleted after the removal commits.
 *
 * Guarantees every adapter gives:
 * - `insertFile` writes the row only if the uploader's stored bytes (the sum of `size` over their
 *   rows) stay within `quotaBytes` with it, checked and written atomically per uploader, on every
 *   node at once: concurrent uploads of one person cannot pass the quota together.
 * - A file is attached to one message at most, in the transaction that appends the message
 *   (`NewMessage.fileIds`, store.ts); its row goes in the transaction that deletes that message.
 * - `takeUnattachedBefore` removes only rows still unattached when it runs: a file attached at the
 *   same moment is either attached (and kept) or removed (and the append refused), never both.
 */
import type { FileRef } from '../../../protocol/index.js';

export interface StoredFile {
  id: string;
  room: string;
  uploaderId: string;
  /** Null until a message carries it. */
  messageId: string | null;
  /** The uploader's name for it, already made safe for display. */
  name: string;
  /** What the bytes were sniffed to be (`application/octet-stream` when nothing safe to say). */
  type: string;
  /** Bytes stored under `blobKey`; counts toward the uploader's quota. */
  size: number;
  width: number | null;
  height: number | null;
  blobKey: string;
  /** The thumbnail's blob (always image/webp), or null. */
  thumbKey: string | null;
  createdAt: string;
}

export interface FileStore {
  insertFile(file: StoredFile, quotaBytes: number): Promise<'inserted' | 'quota-exceeded'>;
  findFile(id: string): Promise<StoredFile | undefined>;
  /** The sum of the sizes of the user's files (attached or not). */
  usedBytes(userId: string): Promise<number>;
  /** Removes up to `limit` files never attached and created before `before`; answers what it removed. */
  takeUnattachedBefore(before: string, limit: number): Promise<StoredFile[]>;
}

/** A stored file as a message carries it on the wire. */
export function fileRefOf(
  file: Pick<StoredFile, 'id' | 'name' | 'type' | 'size' | 'width' | 'height' | 'thumbKey'>,
): FileRef {
  return {
    id: file.id,
    name: file.name,
    type: file.type,
    size: file.size,
    ...(file.width === null ? {} : { width: file.width }),
    ...(file.height === null ? {} : { height: file.height }),
    thumbnail: file.thumbKey !== null,
  };
}
