import { isReactionEmoji, Limits, type ClientFrame } from '../../../../protocol/index.js';
import { accessRoom } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { announceEvent } from '../conversations/announce.js';
import { ParleyError } from '../errors.js';
import { applyOrRefuse } from './message-change.js';

type ReactFrame = Extract<ClientFrame, { type: 'react' }>;

/**
 * Add or take back my reaction: one per (me, emoji, message), exactly one emoji, at most
 * REACTIONS_PER_MESSAGE_MAX distinct emoji on a message. Adding one I already have (or taking back
 * one I do not) changes nothing and sends nothing.
 */
export async function react(ctx: CoreContext, connection: Connection, frame: ReactFrame): Promise<void> {
  await accessRoom(ctx, connection.user, frame.room, 'write');
  if (!isReactionEmoji(frame.emoji)) throw new ParleyError('INVALID_EMOJI');
  const event = await applyOrRefuse(ctx, {
    kind: frame.remove === true ? 'reaction_remove' : 'reaction_add',
    room: frame.room,
    messageId: frame.messageId,
    actorId: connection.user.id,
    emoji: frame.emoji,
    maxDistinct: Limits.REACTIONS_PER_MESSAGE_MAX,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) announceEvent(ctx, event);
}
