import type { ClientFrame } from '../../../../protocol/index.js';
import { accessRoom } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { announceEvent } from '../conversations/announce.js';
import { applyOrRefuse, authoredMessage } from './message-change.js';

type DeleteFrame = Extract<ClientFrame, { type: 'delete' }>;

/** Delete one of my messages: its text is erased from the database; a tombstone keeps its place. */
export async function deleteMessage(ctx: CoreContext, connection: Connection, frame: DeleteFrame): Promise<void> {
  await accessRoom(ctx, connection.user, frame.room, 'write');
  await authoredMessage(ctx, connection.user, frame.room, frame.messageId);
  const event = await applyOrRefuse(ctx, {
    kind: 'delete',
    room: frame.room,
    messageId: frame.messageId,
    actorId: connection.user.id,
    byModerator: false,
    at: new Date(ctx.clock.now()).toISOString(),
  });
  if (event) announceEvent(ctx, event);
}
