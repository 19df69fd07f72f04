/**
 * ALLOWED_ORIGINS: a comma-separated list of exact origins (scheme, host, port), never `*` or `null`.
 * `fail` makes the error the caller throws (ConfigError).
 */
export function parseOrigins(list: string, fail: (message: string) => Error): string[] {
  const origins = list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (origins.length === 0) throw fail('ALLOWED_ORIGINS: list at least one origin, or unset it for the defaults');
  for (const origin of origins) {
    if (origin === '*' || origin === 'null')
      throw fail(`ALLOWED_ORIGINS: "${origin}" is never allowed; list exact origins`);
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw fail(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://chat.example.com`);
    }
    if (parsed.origin !== origin) throw fail(`ALLOWED_ORIGINS: "${origin}" must be exactly "${parsed.origin}"`);
  }
  return origins;
}
