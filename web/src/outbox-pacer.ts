/**
 * How fast my outbox may send: a token bucket a little slower and smaller than the message
 * allowance the server advertises in `ready.limits`, so a person pasting forty messages sees them
 * go out at the allowed pace instead of a pile of refusals (and, after ten, a 4429). The server's
 * allowance is fixed windows (rate-limiter-flexible, ADR 0007), shared by all my devices, and its
 * clock is not mine: the margins keep this bucket inside it in every window, and when a refusal
 * still comes (another tab spent the allowance) `refused` holds everything for its `retryAfter`.
 *
 * Pure: it is given the time and tells how long to wait; sync.ts owns the timer.
 */

export interface PacerLimits {
  /** Steady messages per second the server allows me (RATE_LIMIT_MESSAGES_PER_SECOND). */
  readonly messagesPerSecond: number;
  /** Messages above the steady rate it allows at once (RATE_LIMIT_MESSAGES_BURST). */
  readonly messagesBurst: number;
}

/** The server's defaults, used until (or unless) it says its own. */
export const DEFAULT_PACER_LIMITS: PacerLimits = { messagesPerSecond: 5, messagesBurst: 20 };

/** The share of the server's steady rate we use: network jitter bunches sends up on the way. */
export const RATE_MARGIN = 0.8;
/** The share of the server's burst we use at once. */
export const BURST_MARGIN = 0.75;

export interface OutboxPacer {
  /** The server said its limits (`ready.limits`). A full bucket is kept full. */
  setLimits(limits: PacerLimits, now: number): void;
  /** Milliseconds until the next message may go out (0: now). */
  wait(now: number): number;
  /** A message went out: it spent a token. */
  sent(now: number): void;
  /** The server refused one: nothing goes out for `retryAfterSeconds`, and the bucket starts empty. */
  refused(retryAfterSeconds: number, now: number): void;
}

export function createOutboxPacer(limits: PacerLimits, now: number): OutboxPacer {
  let ratePerMs = 0;
  let capacity = 1;
  let tokens = 0;
  let updatedAt = now;
  let holdUntil = 0;

  function configure(next: PacerLimits): void {
    ratePerMs = (Math.max(next.messagesPerSecond, 0.01) * RATE_MARGIN) / 1000;
    // At least one message may always go; a server without a burst gets one at a time.
    capacity = Math.max(1, Math.floor(next.messagesBurst * BURST_MARGIN));
  }

  function refill(at: number): void {
    if (at > updatedAt) tokens = Math.min(capacity, tokens + (at - updatedAt) * ratePerMs);
    updatedAt = Math.max(updatedAt, at);
  }

  configure(limits);
  tokens = capacity;

  return {
    setLimits(next, at) {
      refill(at);
      const wasFull = tokens >= capacity;
      configure(next);
      tokens = wasFull ? capacity : Math.min(tokens, capacity);
    },
    wait(at) {
      refill(at);
      const held = Math.max(0, holdUntil - at);
      const short = tokens >= 1 ? 0 : Math.ceil((1 - tokens) / ratePerMs);
      return Math.max(held, short);
    },
    sent(at) {
      refill(at);
      tokens = Math.max(0, tokens - 1);
    },
    refused(retryAfterSeconds, at) {
      refill(at);
      tokens = 0;
      holdUntil = Math.max(holdUntil, at + Math.max(1, retryAfterSeconds) * 1000);
    },
  };
}
