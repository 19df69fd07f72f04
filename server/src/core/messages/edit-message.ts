import type { ClientFrame } from '../../../../protocol/index.js';
import { accessRoom } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { announceEvent } from '../conversations/announce.js';
import { ParleyError } from '../errors.js';
import { resolveMentions } from './mentions.js';
import { checkMessageText } from './message-text.js';
import { applyOrRefuse, authoredMessage } from './message-change.js';

type EditFrame = Extract<ClientFrame, { type: 'edit' }>;

/** Replace the text of one of my messages: checked as `send` is, then one `edit` event. */
export async function editMessage(ctx: CoreContext, connection: Connection, frame: EditFrame): Promise<void> {
  await accessRoom(ctx, connection.user, frame.room, 'write');
  checkMessageText(frame.text, ctx.limits);
  const message = await authoredMessage(ctx, connection.user, frame.room, frame.messageId);
  if (message.deletedAt) throw new ParleyError('MESSAGE_DELETED');
  const event = await applyOrRefuse(ctx, {
    kind: 'edit',
    room: frame.room,
    messageId: frame.messageId,
    actorId: connection.user.id,
    text: frame.text,
    mentions: await resolveMentions(ctx, frame.room, frame.text),
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) announceEvent(ctx, event);
}
