/**
 * Counting limits per key (a user, an IP, a username and IP). Adapters: in-memory (one node),
 * Redis (so a limit holds across nodes). Shaped around what the core asks, not around the
 * library underneath.
 */
export interface LimitState {
  allowed: boolean;
  /** The allowance of the window. */
  limit: number;
  remaining: number;
  /** Milliseconds until the allowance refills (or the block ends). */
  resetMs: number;
  /** Points taken in the current window, including blocked attempts. */
  consumed: number;
}

export interface Limit {
  /**
   * Takes points from the key's allowance; `allowed: false` when it had none left. Atomic: of many
   * concurrent calls for one key, each sees its own `consumed` (1, 2, 3 …), on one node or many.
   * A refused call still counts in `consumed` (so hammering a spent key is seen).
   */
  consume(key: string, points?: number): Promise<LimitState>;
  /**
   * Gives back points an earlier `consume` took (a reservation whose attempt turned out not to
   * count). The refund itself is atomic like `consume`. A refund that arrives after the window
   * rolled over comes off the new window's count instead; if that would leave the key in credit,
   * the key is reset (a separate step: a `consume` landing between the two may be forgotten, so at
   * worst one point goes uncounted). On a limit with a burst, only the main allowance is refunded.
   */
  reward(key: string, points?: number): Promise<void>;
  /** Reads the key without taking anything; undefined when the key has no history. */
  peek(key: string): Promise<LimitState | undefined>;
  /** Refuses the key for `seconds`, whatever its allowance. */
  block(key: string, seconds: number): Promise<void>;
  /** Forgets the key (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

export interface LimitSpec {
  /** Points per window. */
  points: number;
  windowSeconds: number;
  /** A second, longer allowance drawn on when `points` is used up (a burst). */
  burst?: { points: number; windowSeconds: number };
}

export interface LimitFactory {
  create(name: string, spec: LimitSpec): Limit;
}
