/**
 * WebSocket close codes, shared by server and client. The ranges carry meaning:
 * 1xxx are the standard codes; 44xx mirror HTTP statuses and tell the client what to do next.
 */
export const CloseCodes = {
  /** Server going away (shutdown or restart): reconnect and resume. */
  GOING_AWAY: 1001,
  /** Policy violation (e.g. repeated garbage): do not retry blindly. */
  POLICY: 1008,
  /** A frame larger than the limit. */
  TOO_BIG: 1009,
  /** Session expired or revoked: refresh the token, then reconnect. */
  SESSION_ENDED: 4401,
  /** Banned: stop and tell the person. */
  BANNED: 4403,
  /**
   * Too slow a link: the send queue overflowed (slow consumer), or one incoming message took longer
   * than WS_MESSAGE_TIMEOUT_MS to arrive; reconnect and resume by seq, backing off if it repeats.
   */
  SLOW_CONSUMER: 4408,
  /** Too many violations (rate limits): back off before reconnecting. */
  TOO_MANY_VIOLATIONS: 4429,
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** What a client should do after a close code. */
export type CloseAdvice = 'reconnect' | 'refresh-then-reconnect' | 'stop' | 'back-off';

export function adviceForClose(code: number): CloseAdvice {
  switch (code) {
    case CloseCodes.SESSION_ENDED:
      return 'refresh-then-reconnect';
    case CloseCodes.BANNED:
    case CloseCodes.POLICY:
      return 'stop';
    case CloseCodes.TOO_MANY_VIOLATIONS:
      return 'back-off';
    default:
      return 'reconnect';
  }
}
