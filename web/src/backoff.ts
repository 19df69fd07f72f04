/** Reconnect delays: exponential growth with "equal jitter", so a crowd does not return at once. */
export interface BackoffOptions {
  /** First delay cap, in ms. */
  readonly baseMs: number;
  /** Largest delay cap, in ms. */
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** A delay in [cap/2, cap], where cap = min(maxMs, baseMs * 2^attempt). */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(cap / 2 + random() * (cap / 2));
}
