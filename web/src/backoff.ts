/**
 * Reconnect delays: exponential growth with "equal jitter", so a crowd does not return at once;
 * and, while a page is visible, how often it asks the server whether it is back.
 */
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

/**
 * The gap between two `GET /health` probes while a visible page waits for a server that went away,
 * in [PROBE_MIN_MS, PROBE_MAX_MS]. A probe that fails is refused at once (nothing listens), so the
 * longest a visible page can miss a server that is back is one gap plus one probe and one
 * handshake: under a second. The probe is cheap (no auth, no database) and only visible pages send
 * it; hidden ones wait out the ordinary backoff and jump when they become visible.
 */
export const PROBE_MIN_MS = 400;
export const PROBE_MAX_MS = 800;

export function probeDelay(random: () => number = Math.random): number {
  return Math.round(PROBE_MIN_MS + random() * (PROBE_MAX_MS - PROBE_MIN_MS));
}
