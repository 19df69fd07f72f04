/**
 * A wait in words a person reads at a glance: "45 s", "4 min", "2 h". Rounded up, so "try again in
 * 4 min" is never too early.
 */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.ceil(minutes / 60)} h`;
}

/** What the login form says when the server answers 429 RATE_LIMITED. */
export function lockoutText(retryAfterSeconds: number | undefined): string {
  return retryAfterSeconds === undefined
    ? 'Too many attempts — wait a little, then try again.'
    : `Too many attempts — try again in ${waitText(retryAfterSeconds)}.`;
}
