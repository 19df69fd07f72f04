/**
 * The CLI's `users suspend | unsuspend`: the same use cases as the admin API (core/admin/), acted by
 * `cli`. Suspending revokes the sessions in the store, so every node refuses them at their next use;
 * the open sockets close at once only if the CLI can reach the cluster's bus (REDIS_URL set): it then
 * publishes the same `user-suspended` event a node would.
 */
import { unsuspendUser } from '../core/admin/unsuspend-user.js';
import { suspendUser } from '../core/admin/suspend-user.js';
import { cliActor, type AdminContext } from '../core/admin/admin-context.js';
import { SecurityLog } from '../core/accounts/security-log.js';
import type { Authorizer } from '../core/authz/authorizer.js';
import type { Bus } from '../ports/bus.js';
import { systemClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { printable, type SuspensionCommand } from './admin-args.js';
import type { Output } from './admin-commands.js';
import { EXIT_NO_USER } from './role-commands.js';

/** How the CLI appears in the security events of the sessions it ends. */
const VIA = { ip: '', userAgent: 'parley admin CLI' };

export async function runSuspensionCommand(
  command: SuspensionCommand,
  deps: { store: Store; authz: Authorizer; bus: Bus; busIsShared: boolean; logger: Logger },
  io: Output,
): Promise<number> {
  const { store, bus } = deps;
  const user = await store.findUserByUsername(command.username);
  if (user === undefined) {
    io.err(`no user named "${printable(command.username)}"`);
    return EXIT_NO_USER;
  }
  const who = printable(user.username);
  let ended = 0;
  let told = deps.busIsShared;
  const securityLog = new SecurityLog(store, systemClock, deps.logger);
  const ctx: AdminContext = {
    store,
    authz: deps.authz,
    clock: systemClock,
    logger: deps.logger,
    async cutOff(userId, via) {
      const revoked = await store.revokeSessions({ userId }, new Date().toISOString(), 'account_suspended');
      ended = revoked.length;
      for (const id of revoked) await securityLog.record('session_revoked', userId, id, via);
      try {
        await bus.publish({ nodeId: 'cli', event: { kind: 'user-suspended', userId, sessionIds: revoked } });
      } catch (error) {
        told = false;
        deps.logger.warn({ err: error }, 'could not tell the running nodes through Redis; their sockets stay open');
      }
    },
  };
  if (command.name === 'users unsuspend') {
    if (!user.suspension) {
      io.out(`${who} is not suspended: nothing changed`);
      return 0;
    }
    await unsuspendUser(ctx, cliActor(VIA), user.username, command.reason);
    io.out(`unsuspended ${who}: they may log in again`);
    return 0;
  }
  if (user.suspension) io.out(`${who} was already suspended since ${user.suspension.at}: reason unchanged`);
  await suspendUser(ctx, cliActor(VIA), user.username, command.reason);
  if (!user.suspension) io.out(`suspended ${who}`);
  io.out(`${ended} session${ended === 1 ? '' : 's'} ended`);
  io.out(
    told
      ? 'running nodes were told through Redis: their sockets close now'
      : 'no REDIS_URL: running nodes refuse the sessions at their next use; open sockets stay until they reconnect',
  );
  return 0;
}
