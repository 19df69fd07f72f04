import type { Readable } from 'node:stream';
import type { User } from '../../../../protocol/index.js';
import type { StoredFile } from '../../ports/file-store.js';
import { SAFE_IMAGE_TYPES } from '../../ports/file-inspector.js';
import { accessRoom } from '../access.js';
import type { CoreContext } from '../context.js';
import { ParleyError } from '../errors.js';

export interface FileDownload {
  file: StoredFile;
  body: Readable;
  /** The type to serve it as; `inline` only for a re-encoded safe raster image (or a thumbnail). */
  contentType: string;
  inline: boolean;
  /** Known for the file itself; a thumbnail's is not kept. */
  size: number | undefined;
}

/**
 * Check, on EVERY request: the gate's `read` on the file's room as it is now (a member removed,
 * kicked or banned from a private room reads nothing more from it), and, for a file not yet attached
 * to a message, only its uploader. Anything refused — no such file, no access, no thumbnail, bytes
 * gone — is the same FILE_NOT_FOUND, so nobody learns that a file exists. Then do: stream the blob.
 */
export async function openFile(
  ctx: CoreContext,
  user: User,
  id: string,
  part: 'file' | 'thumbnail',
): Promise<FileDownload> {
  const file = await ctx.store.findFile(id);
  if (!file) throw new ParleyError('FILE_NOT_FOUND');
  if (file.messageId === null && file.uploaderId !== user.id) throw new ParleyError('FILE_NOT_FOUND');
  await accessRoom(ctx, user, file.room, 'read').catch((error: unknown) => {
    throw error instanceof ParleyError ? new ParleyError('FILE_NOT_FOUND') : error;
  });
  const key = part === 'thumbnail' ? file.thumbKey : file.blobKey;
  const body = key === null ? undefined : await ctx.blobs.get(key);
  if (!body) throw new ParleyError('FILE_NOT_FOUND');
  if (part === 'thumbnail') return { file, body, contentType: 'image/webp', inline: true, size: undefined };
  // Only bytes sharp re-encoded (they have a width) are served as an image; never SVG or HTML.
  const image = SAFE_IMAGE_TYPES.has(file.type) && file.width !== null;
  return {
    file,
    body,
    contentType: image ? file.type : 'application/octet-stream',
    inline: image,
    size: file.size,
  };
}
