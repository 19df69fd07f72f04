import type { AdminUser } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { CLI_ACTOR } from '../../ports/audit-log-store.js';
import type { Store, StoredUser } from '../../ports/store.js';
import { recordAudit, type AuditRecord } from '../audit/record-audit.js';
import { EVERY_DOMAIN, GLOBAL_DOMAIN, type Authorizer } from '../authz/authorizer.js';
import { ParleyError } from '../errors.js';

/** What the admin use cases need: the server builds one, and so does the admin CLI. */
export interface AdminContext {
  store: Store;
  authz: Authorizer;
  clock: Clock;
  logger: Logger;
  /**
   * Ends every session of a suspended user and closes their sockets with 4403 on every node the
   * caller can reach (the server: all of them through the bus; the CLI: through Redis if configured).
   */
  cutOff(userId: string, via: Via): Promise<void>;
}

/** Where a request came from, for the security events of the sessions it ends. */
export interface Via {
  ip: string;
  userAgent: string;
}

/** Who acts: a signed-in user (an admin, checked by each use case), or the machine's operator (CLI_ACTOR). */
export interface Actor {
  id: string;
  via: Via;
}

export const cliActor = (via: Via): Actor => ({ id: CLI_ACTOR, via });

/** The roles the rank rule compares, highest first: global admin > global moderator > everyone. */
const RANKS = ['admin', 'moderator'] as const;

/** The roles granted to a user in every domain (their global roles). */
export function globalRoles(authz: Authorizer, userId: string): string[] {
  return authz
    .rolesOf(userId)
    .filter((grant) => grant.domain === EVERY_DOMAIN)
    .map((grant) => grant.role);
}

/** 2 for an admin, 1 for a global moderator, 0 for everyone else. */
export function rankOf(authz: Authorizer, userId: string): number {
  const roles = globalRoles(authz, userId);
  const index = RANKS.findIndex((role) => roles.includes(role));
  return index < 0 ? 0 : RANKS.length - index;
}

/**
 * Suspending or lifting a suspension: admins (rank 2) may act on one another; anyone below acts only on
 * those ranked lower (TARGET_OUTRANKS). The CLI's operator may act on anyone.
 */
export function requireOutranks(ctx: AdminContext, actor: Actor, targetId: string): void {
  if (actor.id === CLI_ACTOR) return;
  const mine = rankOf(ctx.authz, actor.id);
  const theirs = rankOf(ctx.authz, targetId);
  if (theirs > 0 && mine < 2 && theirs >= mine) throw new ParleyError('TARGET_OUTRANKS');
}

/** FORBIDDEN unless the actor may do `action` globally; the CLI's operator may do everything. */
export function requireAllowed(ctx: AdminContext, actor: Actor, action: 'admin' | 'suspend'): void {
  if (actor.id === CLI_ACTOR) return;
  if (!ctx.authz.can(actor.id, GLOBAL_DOMAIN, action)) throw new ParleyError('FORBIDDEN');
}

/** The user by name (any letter case), or USER_NOT_FOUND. */
export async function findTarget(ctx: AdminContext, username: string): Promise<StoredUser> {
  const user = await ctx.store.findUserByUsername(username);
  if (!user) throw new ParleyError('USER_NOT_FOUND');
  return user;
}

export function toAdminUser(
  ctx: AdminContext,
  user: Pick<StoredUser, 'id' | 'username' | 'createdAt' | 'suspension'>,
): AdminUser {
  return {
    id: user.id,
    username: user.username,
    createdAt: user.createdAt,
    roles: globalRoles(ctx.authz, user.id),
    ...(user.suspension ? { suspended: { at: user.suspension.at, reason: user.suspension.reason } } : {}),
  };
}

export const nowIso = (ctx: AdminContext): string => new Date(ctx.clock.now()).toISOString();

/**
 * Records the change just made. A change of who holds power that the audit log does not show must
 * not stand: if the entry cannot be written, `undo` reverses the change and the error goes up (the
 * edge answers STORE_UNAVAILABLE when the database is down).
 */
export async function audited(
  ctx: AdminContext,
  record: Omit<AuditRecord, 'at'>,
  undo: () => Promise<unknown>,
): Promise<void> {
  try {
    await recordAudit(ctx.store, { ...record, at: nowIso(ctx) });
  } catch (error) {
    ctx.logger.error({ err: error, action: record.action }, 'audit entry not written; undoing the change');
    try {
      await undo();
    } catch (undoError) {
      ctx.logger.error({ err: undoError, action: record.action }, 'could not undo an unaudited change');
    }
    throw error;
  }
}
