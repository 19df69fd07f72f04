/**
 * The admin CLI's command line, parsed strictly: an unknown command, option or value is a usage
 * error (exit 2), never a guess.
 */
import { GLOBAL_ROLES } from '../core/authz/default-policies.js';

export type AdminCommand =
  | { name: 'help' }
  | { name: 'audit verify' }
  | { name: 'audit list'; limit: number }
  | { name: 'users list'; limit: number; search: string | undefined }
  | RoleCommand
  | SuspensionCommand;

export type SuspensionCommand = { name: 'users suspend' | 'users unsuspend'; username: string; reason: string };

/** Global roles only: a room's roles belong to the room (its owner), not to the machine's operator. */
export type GlobalRole = (typeof GLOBAL_ROLES)[number];
export type RoleCommand =
  | { name: 'roles list'; username: string }
  | { name: 'roles grant' | 'roles revoke'; username: string; role: GlobalRole; reason: string };

export const USAGE = `usage: npm run --silent admin -- <command>

Commands:
  audit verify                           check the audit log's hash chain from the first entry to the
                                         newest; exit 0 if intact, 1 naming the first bad entry
  audit list [--limit N]                 the newest N audit entries with their hashes, newest first
                                         (default 20, max 1000)
  users list [--search TEXT] [--limit N] users by name; TEXT matches part of a name in any letter case
                                         (default 50, max 1000)
  users suspend USERNAME [--reason TEXT] suspend an account: its sessions end, login and refresh are
                                         refused; with REDIS_URL set, a running cluster closes its
                                         sockets at once (otherwise they stay open until they
                                         reconnect: prefer the admin API there); audited by "cli"
  users unsuspend USERNAME [--reason TEXT]
                                         lift a suspension (the ended sessions stay ended); audited
  roles list USERNAME                    the roles granted to a user (every account is a user)
  roles grant USERNAME ROLE [--reason TEXT]
                                         grant a global role (admin or moderator): how the first admin
                                         is made; recorded in the audit log by "cli"
  roles revoke USERNAME ROLE [--reason TEXT]
                                         take a global role back; recorded in the audit log
  help                                   this text

The database is the server's: DATABASE_URL (or DATA_DIR for the default SQLite file) and the other
settings are read from the environment exactly as the server reads them (see .env.example).
Exit codes: 0 done, 1 audit log damaged, 2 usage error, 67 no such user, 69 database unreachable,
78 bad configuration.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const LIMIT_MAX = 1000;
const USERNAME_MAX_CHARS = 64;
const REASON_MAX_CHARS = 500;
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
    case 'users suspend':
    case 'users unsuspend': {
      const [username] = positionals(rest, ['USERNAME'] as const);
      const reason = options(rest.slice(1), ['reason']).get('reason') ?? '';
      if (reason.length > REASON_MAX_CHARS) throw new UsageError(`--reason: at most ${REASON_MAX_CHARS} characters`);
      // The person reads it when their login is refused: one line, as the admin API requires.
      if (new RegExp(UNPRINTABLE.source).test(reason))
        throw new UsageError('--reason: one line, without control characters');
      return { name: command, username: name(username), reason };
    }
    case 'roles list': {
      const [username] = positionals(rest, ['USERNAME'] as const);
      options(rest.slice(1), []);
      return { name: 'roles list', username: name(username) };
    }
    case 'roles grant':
    case 'roles revoke': {
      const [username, role] = positionals(rest, ['USERNAME', 'ROLE'] as const);
      if (!(GLOBAL_ROLES as readonly string[]).includes(role))
        throw new UsageError(`ROLE: one of ${GLOBAL_ROLES.join(', ')} (room roles are the room's own)`);
      const reason = options(rest.slice(2), ['reason']).get('reason') ?? '';
      if (reason.length > REASON_MAX_CHARS) throw new UsageError(`--reason: at most ${REASON_MAX_CHARS} characters`);
      return { name: command, username: name(username), role: role as GlobalRole, reason };
    }
    default:
      throw new UsageError(`unknown command "${printable(command)}"`);
  }
}

/** The leading arguments a command needs, in order; an option in their place is a usage error. */
function positionals<N extends readonly string[]>(args: readonly string[], names: N): { [K in keyof N]: string } {
  return names.map((label, i) => {
    const value = args[i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${label} is missing`);
    return value;
  }) as { [K in keyof N]: string };
}

function name(username: string): string {
  if (username.length > USERNAME_MAX_CHARS) throw new UsageError(`USERNAME: at most ${USERNAME_MAX_CHARS} characters`);
  return username;
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
