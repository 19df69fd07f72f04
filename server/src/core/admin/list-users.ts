import type { AdminUser, AdminUserPage } from '../../../../protocol/index.js';
import { findTarget, requireAllowed, toAdminUser, type Actor, type AdminContext } from './admin-context.js';

/** Users by name (any letter case), a page at a time, each with their global roles and suspension. */
export async function listUsers(
  ctx: AdminContext,
  actor: Actor,
  query: { search?: string | undefined; after?: string | undefined; limit: number },
): Promise<AdminUserPage> {
  requireAllowed(ctx, actor, 'admin');
  // One more than asked: whether it comes tells whether there is a next page.
  const found = await ctx.store.listUsers({ search: query.search, after: query.after, limit: query.limit + 1 });
  const page = found.slice(0, query.limit);
  const last = page.at(-1);
  return {
    users: page.map((user) => toAdminUser(ctx, user)),
    ...(found.length > query.limit && last ? { next: last.username } : {}),
  };
}

/** One user as the list shows them, or USER_NOT_FOUND. */
export async function getUser(ctx: AdminContext, actor: Actor, username: string): Promise<AdminUser> {
  requireAllowed(ctx, actor, 'admin');
  return toAdminUser(ctx, await findTarget(ctx, username));
}
