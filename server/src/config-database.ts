export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'sqlite'; filename: string; synchronous: 'normal' | 'full' };

/**
 * DATABASE_URL: `sqlite:<path>` for one node, `postgres://…` for many. `fail` makes the error the caller
 * throws (ConfigError).
 */
export function parseDatabaseUrl(
  fail: (message: string) => Error,
  url: string,
  poolSize: number,
  synchronous: 'normal' | 'full',
): DatabaseConfig {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url, poolSize };
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length);
    if (filename.length === 0) throw fail('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/parley.db');
    return { kind: 'sqlite', filename, synchronous };
  }
  throw fail(`DATABASE_URL: unsupported scheme in "${url.split(':')[0] ?? ''}:"; use sqlite:<path> or postgres://…`);
}
