import { MemoryBus } from '../adapters/bus-memory.js';
import { Authorizer } from '../core/authz/authorizer.js';
import { verifyAuditLog } from '../core/audit/verify-audit-log.js';
import type { Bus } from '../ports/bus.js';
import type { Logger } from '../ports/logger.js';
import type { AuditEntry, Store } from '../ports/store.js';
import { printable, type AdminCommand } from './admin-args.js';
import { runRoleCommand } from './role-commands.js';
import { runSuspensionCommand } from './suspension-commands.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Exit code 1: the command ran and found a problem (the audit log is damaged). */
export const EXIT_FOUND_PROBLEM = 1;

/**
 * The bus changes are published on: the cluster's (Redis) when the CLI can reach it, so running nodes
 * act at once; otherwise an in-process one that reaches nobody (`shared: false`).
 */
export interface CliBus {
  bus: Bus;
  shared: boolean;
}

/** The CLI lives for one command: it never needs the safety-net reload. */
const NO_PERIODIC_RELOAD_MS = 2 ** 31 - 1;

/** Commands that change roles or accounts, and so want the cluster's bus. */
export const needsBus = (command: AdminCommand): boolean =>
  command.name.startsWith('roles ') || command.name === 'users suspend' || command.name === 'users unsuspend';

/** Runs one parsed command against the store; resolves with the process exit code. */
export async function runAdminCommand(
  command: Exclude<AdminCommand, { name: 'help' }>,
  store: Store,
  io: Output,
  cluster: CliBus = { bus: new MemoryBus(), shared: false },
): Promise<number> {
  switch (command.name) {
    case 'audit verify': {
      const verdict = await verifyAuditLog(store);
      if (verdict.ok) {
        io.out(`audit log intact: ${verdict.entries} entries`);
        // The head hash: written down elsewhere, it lets a later verify prove nothing before it was rewritten.
        io.out(`newest entry hash: ${verdict.head.hash}`);
        return 0;
      }
      io.err(`audit log damaged at entry ${verdict.position} (${verdict.problem}): ${verdict.explanation}`);
      return EXIT_FOUND_PROBLEM;
    }
    case 'audit list': {
      const entries = await store.auditEntriesBefore(undefined, command.limit);
      if (entries.length === 0) io.out('the audit log is empty');
      const names = await actorNames(store, entries);
      for (const entry of entries) io.out(formatEntry(entry, names));
      return 0;
    }
    case 'users list': {
      const users = await store.listUsers({ search: command.search, limit: command.limit });
      if (users.length === 0) io.out('no users');
      for (const user of users) io.out(`${user.id}  ${printable(user.username)}  created ${user.createdAt}`);
      return 0;
    }
    case 'roles list':
    case 'roles grant':
    case 'roles revoke':
      return withAuthorizer(store, cluster, io, (authz) => runRoleCommand(command, store, authz, io));
    case 'users suspend':
    case 'users unsuspend':
      return withAuthorizer(store, cluster, io, (authz, logger) =>
        runSuspensionCommand(command, { store, authz, bus: cluster.bus, busIsShared: cluster.shared, logger }, io),
      );
  }
}

/** Runs `work` with the same Authorizer as the server (which seeds the default policies into a new database). */
async function withAuthorizer(
  store: Store,
  cluster: CliBus,
  io: Output,
  work: (authz: Authorizer, logger: Logger) => Promise<number>,
): Promise<number> {
  const logger = logTo(io);
  const authz = await Authorizer.open({
    store,
    bus: cluster.bus,
    nodeId: 'cli',
    logger,
    reloadEveryMs: NO_PERIODIC_RELOAD_MS,
  });
  try {
    return await work(authz, logger);
  } finally {
    authz.close();
  }
}

/** Warnings (a reload or a publish that failed) go to stderr, without their fields. */
function logTo(io: Output): Logger {
  const quiet = (): void => undefined;
  return { debug: quiet, info: quiet, warn: (_fields, message) => io.err(message), error: (_f, m) => io.err(m) };
}

/** Usernames of the actors, by id, so a list reads "by alice" rather than a bare id. */
async function actorNames(store: Store, entries: AuditEntry[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const actor of new Set(entries.map((entry) => entry.actor))) {
    const user = await store.findUserById(actor);
    if (user) names.set(actor, user.username);
  }
  return names;
}

function formatEntry(entry: AuditEntry, names: Map<string, string>): string {
  const name = names.get(entry.actor);
  const actor = name === undefined ? entry.actor : `${name} (${entry.actor})`;
  const reason = entry.reason === '' ? '' : `  reason ${JSON.stringify(entry.reason)}`;
  const details = entry.details === '{}' ? '' : `  ${entry.details}`;
  return printable(
    `#${entry.position}  ${entry.at}  by ${actor}  ${entry.action}  ${entry.target.kind}:${entry.target.id}${reason}${details}  hash ${entry.hash}`,
  );
}
