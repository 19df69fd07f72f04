/**
 * The CLI's role commands: how the first admin is made without any default password, and how the
 * machine's operator grants, revokes and lists global roles. They go through the same Authorizer as
 * the server, and each grant or revoke is one audit entry by `cli`. With REDIS_URL set the Authorizer
 * is on the cluster's bus and running nodes reload at once; without it, they read the change on their
 * periodic reload of the rules (30 s).
 */
import { recordAudit } from '../core/audit/record-audit.js';
import { EVERY_DOMAIN, type Authorizer } from '../core/authz/authorizer.js';
import { CLI_ACTOR } from '../ports/audit-log-store.js';
import type { Store } from '../ports/store.js';
import { printable, type RoleCommand } from './admin-args.js';
import type { Output } from './admin-commands.js';

/** sysexits.h EX_NOUSER: the username names nobody. */
export const EXIT_NO_USER = 67;

export async function runRoleCommand(
  command: RoleCommand,
  store: Store,
  authorizer: Authorizer,
  io: Output,
): Promise<number> {
  const user = await store.findUserByUsername(command.username);
  if (user === undefined) {
    io.err(`no user named "${printable(command.username)}"`);
    return EXIT_NO_USER;
  }
  const who = printable(user.username);
  const held = authorizer.rolesOf(user.id).filter((grant) => grant.domain === EVERY_DOMAIN);
  if (command.name === 'roles list') {
    if (held.length === 0) io.out(`${who}: user (no other role)`);
    else io.out(`${who}: user, ${held.map((grant) => grant.role).join(', ')}`);
    return 0;
  }
  const holds = held.some((grant) => grant.role === command.role);
  if (command.name === 'roles grant' ? holds : !holds) {
    io.out(`${who} ${holds ? 'already holds' : 'does not hold'} ${command.role}: nothing changed`);
    return 0;
  }
  const change = command.name === 'roles grant' ? 'grant' : 'revoke';
  if (change === 'grant') await authorizer.grantRole(user.id, command.role, EVERY_DOMAIN);
  else await authorizer.revokeRole(user.id, command.role, EVERY_DOMAIN);
  try {
    await recordAudit(store, {
      at: new Date().toISOString(),
      actor: CLI_ACTOR,
      action: `role.${change}`,
      target: { kind: 'user', id: user.id },
      reason: command.reason,
      details: { role: command.role, domain: EVERY_DOMAIN },
    });
  } catch (error) {
    // A change to who holds power that the audit log does not show must not stand: undo it.
    if (change === 'grant') await authorizer.revokeRole(user.id, command.role, EVERY_DOMAIN);
    else await authorizer.grantRole(user.id, command.role, EVERY_DOMAIN);
    throw error;
  }
  io.out(`${change === 'grant' ? 'granted' : 'revoked'} ${command.role} ${change === 'grant' ? 'to' : 'from'} ${who}`);
  return 0;
}
