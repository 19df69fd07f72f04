import { CloseCodes, type ClientFrame } from '../../../../protocol/index.js';
import { requireMember } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { ParleyError, rateLimited, refusedWith } from '../errors.js';
import { exemptRolesFor } from '../moderation/exempt.js';
import { outgoingFrame } from '../../ports/socket.js';
import { encodeFrame, serializeFrame, toMessage } from '../events.js';
import { resolveMentions } from '../messages/mentions.js';
import { checkMessageText } from '../messages/message-text.js';

type SendFrame = Extract<ClientFrame, { type: 'send' }>;

/**
 * Store, then acknowledge, then broadcast. The store assigns the per-room seq in the same
 * transaction that keeps the message, so nothing is acknowledged or broadcast that is not durable.
 * A retried clientMsgId gets the original ack and is not stored or broadcast again.
 */
export async function sendMessage(ctx: CoreContext, connection: Connection, frame: SendFrame): Promise<void> {
  requireMember(connection, frame.room);
  const allowance = await ctx.messageLimit.consume(connection.user.id);
  if (!allowance.allowed) {
    // The message is dropped (no ack): the error frame tells the client to resend it later.
    const violations = connection.countViolation(ctx.clock.now());
    if (violations >= ctx.limits.messageViolationsBeforeClose) {
      connection.close(CloseCodes.TOO_MANY_VIOLATIONS, 'too many rate-limit violations');
    }
    throw rateLimited(allowance);
  }
  // Closed while we waited for the limiter (revoked, say): what it sent is not stored.
  if (!connection.isOpen) return;
  // Stored exactly as sent (indentation matters in Markdown); only the limits look at the trimmed text.
  // A message that carries files may say nothing (a photo alone): its blank text is stored empty.
  const fileIds = frame.files === undefined ? undefined : [...new Set(frame.files)];
  const text = fileIds && frame.text.trim() === '' ? '' : frame.text;
  if (text !== '' || !fileIds) checkMessageText(text, ctx.limits);
  // Replies and mentions cost a read each, only for messages that have them.
  const answered = frame.replyTo === undefined ? undefined : await ctx.store.findMessage(frame.room, frame.replyTo);
  if (frame.replyTo !== undefined && !answered) throw new ParleyError('MESSAGE_NOT_FOUND');
  const mentions = await resolveMentions(ctx, frame.room, text);

  let result;
  const startedAt = performance.now();
  try {
    result = await ctx.store.appendMessage({
      id: ctx.newId(),
      room: frame.room,
      userId: connection.user.id,
      clientMsgId: frame.clientMsgId,
      text,
      createdAt: new Date(ctx.clock.now()).toISOString(),
      replyToId: answered?.id,
      mentions,
      // Read-only and slow mode are checked by the store, which knows the author's role; the
      // policies say here which roles are exempt (remembered, so no read is added to a send).
      exemptRoles: exemptRolesFor(ctx, connection.user.id, frame.room),
      fileIds,
    });
  } catch (error) {
    // Nothing was stored, so nothing is acknowledged; the client keeps the message and retries.
    ctx.logger.error({ err: error, room: frame.room }, 'storing a message failed');
    throw new ParleyError('STORE_UNAVAILABLE');
  }
  ctx.metrics.storeAppendSeconds((performance.now() - startedAt) / 1000);
  if (result.status === 'no-room') throw new ParleyError('ROOM_NOT_FOUND');
  // Removed from the room (on any node) after this socket joined it: nothing was stored.
  if (result.status === 'not-member') throw new ParleyError('NOT_IN_ROOM');
  // Moderation, checked in the same transaction (ADR 0020): nothing was stored.
  if (result.status === 'muted') {
    throw refusedWith('MUTED', { until: result.until, ...(result.reason === '' ? {} : { reason: result.reason }) });
  }
  if (result.status === 'read-only') throw new ParleyError('ROOM_READ_ONLY');
  if (result.status === 'slow-mode') throw new ParleyError('SLOW_MODE', undefined, result.retryAfter);
  // A file that is not my unattached upload to this room (or is gone): the same answer, nothing stored.
  if (result.status === 'bad-files') throw new ParleyError('FILE_NOT_FOUND');

  // A reply carries the quote the store read in the append's transaction.
  const message = toMessage(result.message);
  const ack = encodeFrame({ type: 'ack', clientMsgId: frame.clientMsgId, message });
  ctx.metrics.ack();
  if (result.status === 'duplicate') {
    connection.sendFrame(outgoingFrame(ack));
    return;
  }
  ctx.metrics.messageStored();
  // The ack takes the place of the sender's copy, so it reaches the sender in seq order too.
  const personal = { connection, frame: outgoingFrame(ack) };
  ctx.fanOut.room(frame.room, serializeFrame({ type: 'message', message }), message.seq, personal);
}
