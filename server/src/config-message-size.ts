import { Limits } from '../../protocol/index.js';
import type { Config } from './config.js';

/**
 * The messages of one reply may fill at most half the send buffer (and never more than 256 KiB), so
 * a join or a history page leaves room for the live traffic behind it and never trips 4408 alone.
 */
export function replyBudget(wsMaxBufferedBytes: number): number {
  return Math.min(Limits.REPLY_MAX_BYTES, Math.floor(wsMaxBufferedBytes / 2));
}

/** Refuses a configuration in which a message within the limits could not be sent or delivered. */
export function checkMessageFits(
  config: Pick<Config, 'messageMaxBytes' | 'wsMaxPayload' | 'replyMaxBytes'>,
  fail: (message: string) => Error,
): void {
  const send = config.messageMaxBytes + Limits.SEND_FRAME_OVERHEAD_MAX;
  if (send > config.wsMaxPayload) {
    throw fail(
      `MESSAGE_MAX_BYTES: ${config.messageMaxBytes} bytes of text need a send frame of up to ${send} bytes, ` +
        `more than WS_MAX_PAYLOAD (${config.wsMaxPayload}); lower MESSAGE_MAX_BYTES or raise WS_MAX_PAYLOAD`,
    );
  }
  const frame = config.messageMaxBytes + Limits.MESSAGE_FRAME_OVERHEAD_MAX;
  if (frame > config.replyMaxBytes) {
    throw fail(
      `MESSAGE_MAX_BYTES: a message frame of up to ${frame} bytes does not fit the reply budget of ` +
        `${config.replyMaxBytes} bytes (half of WS_MAX_BUFFERED_BYTES, at most ${Limits.REPLY_MAX_BYTES}); ` +
        'lower MESSAGE_MAX_BYTES or raise WS_MAX_BUFFERED_BYTES',
    );
  }
}
