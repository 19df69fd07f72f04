import type { CoreContext } from '../context.js';
import type { FileServices } from './file-services.js';
import { deleteBlobs } from './upload.js';

/**
 * Removes up to `batch` uploads never attached to a message and older than
 * `files.unattachedMaxAgeMs` (rows first, in one statement that leaves a file attached meanwhile;
 * then their blobs). Answers how many rows went, so the cleanup job can go on while batches are full.
 */
export async function cleanupUnattached(ctx: CoreContext, files: FileServices, batch: number): Promise<number> {
  const before = new Date(ctx.clock.now() - files.unattachedMaxAgeMs).toISOString();
  const removed = await ctx.store.takeUnattachedBefore(before, batch);
  await deleteBlobs(
    ctx,
    removed.flatMap((file) => (file.thumbKey === null ? [file.blobKey] : [file.blobKey, file.thumbKey])),
  );
  return removed.length;
}
