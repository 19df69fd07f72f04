import { utf8Bytes, type Message } from '../../../protocol/index.js';

/**
 * Replies that carry stored messages (`joined`, `history`, the HTTP history page) are cut to a byte
 * budget, so that no content anyone stored can make a reply larger than the send buffer (ADR 0013).
 * Sizes are measured on each message's JSON, as it will be encoded in the frame; joins and history
 * are not the hot path, so encoding twice here is an acceptable price for an exact measure.
 */
export function messageBytes(message: Message): number {
  return utf8Bytes(JSON.stringify(message));
}

/**
 * The newest messages (ascending in, ascending out) whose JSON fits in `budget` bytes, and whether
 * any were left out. At least one message always goes, even alone over the budget, so paging by
 * cursor always makes progress (a message stored before the byte limit existed may be that large).
 */
export function newestWithin(messages: readonly Message[], budget: number): { messages: Message[]; cut: boolean } {
  let bytes = 0;
  let first = messages.length;
  while (first > 0) {
    // The comma between array elements counts too.
    const size = messageBytes(messages[first - 1]!) + 1;
    if (first < messages.length && bytes + size > budget) break;
    bytes += size;
    first--;
  }
  return { messages: messages.slice(first), cut: first > 0 };
}

/**
 * The budget of one reply on a socket that already holds `buffered` unsent bytes: the reply budget,
 * but never more than half of the send buffer that is left, so replies pipelined on a slow link
 * (several joins, a burst of history requests) cannot add up past `maxBufferedBytes` either.
 */
export function budgetOn(limits: { replyMaxBytes: number; maxBufferedBytes: number }, buffered: number): number {
  return Math.max(0, Math.min(limits.replyMaxBytes, Math.floor((limits.maxBufferedBytes - buffered) / 2)));
}
