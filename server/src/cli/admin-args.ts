/**
 * The admin CLI's command line, parsed strictly: an unknown command, option or value is a usage
 * error (exit 2), never a guess.
 */
export type AdminCommand =
  | { name: 'help' }
  | { name: 'audit verify' }
  | { name: 'audit list'; limit: number }
  | { name: 'users list'; limit: number; search: string | undefined };

export const USAGE = `usage: npm run --silent admin -- <command>

Commands:
  audit verify                           check the audit log's hash chain from the first entry to the
                                         newest; exit 0 if intact, 1 naming the first bad entry
  audit list [--limit N]                 the newest N audit entries with their hashes, newest first
                                         (default 20, max 1000)
  users list [--search TEXT] [--limit N] users by name; TEXT matches part of a name in any letter case
                                         (default 50, max 1000)
  help                                   this text

The database is the server's: DATABASE_URL (or DATA_DIR for the default SQLite file) and the other
settings are read from the environment exactly as the server reads them (see .env.example).
Exit codes: 0 done, 1 audit log damaged, 2 usage error, 69 database unreachable, 78 bad configuration.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const LIMIT_MAX = 1000;
const SEARCH_MAX_CHARS = 100;

export function parseAdminArgs(argv: readonly string[]): AdminCommand {
  const [group, verb, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    if (verb !== undefined) throw new UsageError(`help takes no arguments`);
    return { name: 'help' };
  }
  const command = `${group} ${verb ?? ''}`.trim();
  switch (command) {
    case 'audit verify':
      options(rest, []);
      return { name: 'audit verify' };
    case 'audit list': {
      const given = options(rest, ['limit']);
      return { name: 'audit list', limit: limit(given.get('limit'), 20) };
    }
    case 'users list': {
      const given = options(rest, ['limit', 'search']);
      const search = given.get('search');
      if (search !== undefined && (search.length === 0 || search.length > SEARCH_MAX_CHARS))
        throw new UsageError(`--search: give 1-${SEARCH_MAX_CHARS} characters`);
      return { name: 'users list', limit: limit(given.get('limit'), 50), search };
    }
    default:
      throw new UsageError(`unknown command "${printable(command)}"`);
  }
}

/** `--name value` or `--name=value`, each allowed option at most once, nothing else. */
function options(args: readonly string[], allowed: readonly string[]): Map<string, string> {
  const given = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${printable(arg)}"`);
    const name = match[1]!;
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${printable(name)}`);
    if (given.has(name)) throw new UsageError(`--${name} given twice`);
    let value = match[2];
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      i += 1;
    }
    given.set(name, value);
  }
  return given;
}

function limit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > LIMIT_MAX)
    throw new UsageError(`--limit: give a whole number from 1 to ${LIMIT_MAX}`);
  return Number(value);
}

/**
 * Text from outside (arguments, reasons, names) made safe to print on a terminal: control characters,
 * C1 codes and bidirectional overrides are shown escaped instead of being obeyed.
 */
// eslint-disable-next-line no-control-regex -- these are exactly the characters to neutralize
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
