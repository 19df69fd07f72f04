import type { User } from '../../../../protocol/index.js';
import type { ChangeResult, RoomChange, StoredEvent, StoredMessage } from '../../ports/store.js';
import type { CoreContext } from '../context.js';
import { ParleyError, refusedWith } from '../errors.js';

/** The message, in this room, written by this user; MESSAGE_NOT_FOUND or NOT_MESSAGE_AUTHOR otherwise. */
export async function authoredMessage(ctx: CoreContext, user: User, room: string, id: string): Promise<StoredMessage> {
  const message = await ctx.store.findMessage(room, id);
  if (!message) throw new ParleyError('MESSAGE_NOT_FOUND');
  if (message.userId !== user.id) throw new ParleyError('NOT_MESSAGE_AUTHOR');
  return message;
}

/**
 * Applies a change in one transaction: the stored event, undefined when there was nothing to do (no
 * event, no seq), or the refusal's code as an error (nothing written).
 */
export async function applyOrRefuse(ctx: CoreContext, change: RoomChange): Promise<StoredEvent | undefined> {
  return (await appliedOrRefused(ctx, change))?.event;
}

/** As `applyOrRefuse`, with all the store said of an applied change (a deletion's removed blobs). */
export async function appliedOrRefused(
  ctx: CoreContext,
  change: RoomChange,
): Promise<Extract<ChangeResult, { status: 'applied' }> | undefined> {
  const result = await ctx.store.applyChange(change);
  if (result.status === 'refused') {
    throw result.details ? refusedWith(result.code, result.details) : new ParleyError(result.code);
  }
  return result.status === 'applied' ? result : undefined;
}
