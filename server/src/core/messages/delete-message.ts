import type { ClientFrame } from '../../../../protocol/index.js';
import { accessRoom } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { announceEvent } from '../conversations/announce.js';
import { ParleyError } from '../errors.js';
import { auditModeration } from '../moderation/audit-moderation.js';
import { deleteBlobs } from '../files/upload.js';
import { appliedOrRefused } from './message-change.js';

type DeleteFrame = Extract<ClientFrame, { type: 'delete' }>;

/**
 * Delete a message: its text is erased from the database; a tombstone keeps its place. My own, as a
 * writer of the room; anyone else's only if the gate lets me `delete_any` there — then the event says
 * `byModerator` and the deletion is recorded in the audit log. Without that right, another person's
 * message is NOT_MESSAGE_AUTHOR, as before moderation existed. Its files are deleted with it.
 */
export async function deleteMessage(ctx: CoreContext, connection: Connection, frame: DeleteFrame): Promise<void> {
  const user = connection.user;
  await accessRoom(ctx, user, frame.room, 'read');
  const message = await ctx.store.findMessage(frame.room, frame.messageId);
  if (!message) throw new ParleyError('MESSAGE_NOT_FOUND');
  const mine = message.userId === user.id;
  if (mine) await accessRoom(ctx, user, frame.room, 'write');
  else {
    await accessRoom(ctx, user, frame.room, 'delete_any').catch((error: unknown) => {
      throw error instanceof ParleyError && error.code === 'FORBIDDEN' ? new ParleyError('NOT_MESSAGE_AUTHOR') : error;
    });
  }
  const applied = await appliedOrRefused(ctx, {
    kind: 'delete',
    room: frame.room,
    messageId: frame.messageId,
    actorId: user.id,
    byModerator: !mine,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (!applied) return;
  announceEvent(ctx, applied.event);
  // Its files' rows went in the same transaction (no download finds them now); the bytes follow.
  if (applied.removedBlobs) await deleteBlobs(ctx, applied.removedBlobs);
  if (!mine) {
    await auditModeration(ctx, user, 'room.message.delete', { kind: 'message', id: message.id }, '', {
      room: frame.room,
      author: message.userId,
      seq: message.seq,
    });
  }
}
