import type { FileRef, User } from '../../../../protocol/index.js';
import { fileRefOf, type StoredFile } from '../../ports/file-store.js';
import { accessRoom } from '../access.js';
import type { CoreContext } from '../context.js';
import { ParleyError, refusedWith } from '../errors.js';
import { exemptRolesFor } from '../moderation/exempt.js';
import { safeFileName } from './file-name.js';
import { randomToken, type FileServices } from './file-services.js';

/** What an upload may be, decided before a byte of it is read. */
export interface UploadAllowance {
  room: string;
  /** The most bytes the upload may have: the smaller of FILE_MAX_BYTES and what is left of the quota. */
  maxBytes: number;
  /** What to answer when the upload has more: FILE_TOO_LARGE, or QUOTA_EXCEEDED if the quota is tighter. */
  overLimit: 'FILE_TOO_LARGE' | 'QUOTA_EXCEEDED';
}

/**
 * Check: may this person put a file in this room now? The gate's `write` (a member who may send
 * there: not someone outside a private room, a non-member, a banned or kicked person), then what the
 * store checks for a message (a mute, a read-only room unless exempt), then the quota. Nothing is
 * read from the request before this passes.
 */
export async function allowUpload(
  ctx: CoreContext,
  files: FileServices,
  user: User,
  room: string,
): Promise<UploadAllowance> {
  const { room: stored, membership } = await accessRoom(ctx, user, room, 'write');
  const now = new Date(ctx.clock.now()).toISOString();
  if (membership?.mutedUntil && membership.mutedUntil > now) {
    throw refusedWith('MUTED', {
      until: membership.mutedUntil,
      ...(membership.muteReason ? { reason: membership.muteReason } : {}),
    });
  }
  if (stored.readOnly && !(membership && exemptRolesFor(ctx, user.id, room).includes(membership.role))) {
    throw new ParleyError('ROOM_READ_ONLY');
  }
  const left = files.quotaBytes - (await ctx.store.usedBytes(user.id));
  if (left <= 0) throw new ParleyError('QUOTA_EXCEEDED');
  return left < files.maxBytes
    ? { room: stored.name, maxBytes: left, overLimit: 'QUOTA_EXCEEDED' }
    : { room: stored.name, maxBytes: files.maxBytes, overLimit: 'FILE_TOO_LARGE' };
}

/**
 * Do: store an upload the edge has received whole into a temporary file at `path` (and counted
 * within `allowance.maxBytes`). The bytes are sniffed and, for a safe raster image, re-encoded
 * without metadata (the FileInspector); then the blobs are put, then the row is inserted under the
 * quota (checked again, atomically per uploader: the row is refused if concurrent uploads used the
 * room meanwhile). A refused or failed insert deletes the blobs it put: nothing is half stored.
 */
export async function storeUpload(
  ctx: CoreContext,
  files: FileServices,
  user: User,
  allowance: UploadAllowance,
  upload: { path: string; name: string | undefined },
): Promise<FileRef> {
  const inspected = await files.inspector.inspect(upload.path);
  const put: string[] = [];
  try {
    const file: StoredFile = {
      id: randomToken(16),
      room: allowance.room,
      uploaderId: user.id,
      messageId: null,
      name: safeFileName(upload.name),
      type: inspected.type,
      size: inspected.size,
      width: inspected.image?.width ?? null,
      height: inspected.image?.height ?? null,
      blobKey: randomToken(18),
      thumbKey: inspected.thumbnail ? randomToken(18) : null,
      createdAt: new Date(ctx.clock.now()).toISOString(),
    };
    // A re-encoded image may come out larger than it went in: the quota counts what is stored.
    if (file.size > files.maxBytes) throw new ParleyError('FILE_TOO_LARGE');
    put.push(file.blobKey);
    await ctx.blobs.put(file.blobKey, inspected.open(), { size: file.size, contentType: file.type });
    if (inspected.thumbnail && file.thumbKey !== null) {
      put.push(file.thumbKey);
      const thumb = inspected.thumbnail;
      await ctx.blobs.put(file.thumbKey, thumb.open(), { size: thumb.size, contentType: thumb.type });
    }
    if ((await ctx.store.insertFile(file, files.quotaBytes)) === 'quota-exceeded') {
      throw new ParleyError('QUOTA_EXCEEDED');
    }
    put.length = 0;
    return fileRefOf(file);
  } finally {
    await inspected.dispose();
    await deleteBlobs(ctx, put);
  }
}

/** Deletes blobs whose rows are gone (or were never written); failures are logged, never thrown. */
export async function deleteBlobs(ctx: CoreContext, keys: readonly string[]): Promise<void> {
  await Promise.all(
    keys.map((key) =>
      ctx.blobs.delete(key).catch((error: unknown) => {
        ctx.logger.warn({ err: error, blob: key }, 'deleting a file blob failed; it stays orphaned');
      }),
    ),
  );
}
