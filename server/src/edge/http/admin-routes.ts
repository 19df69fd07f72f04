import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  AdminAuditPageSchema,
  AdminAuditQuery,
  AdminPoliciesSchema,
  AdminRoleParams,
  AdminUserPageSchema,
  AdminUserSchema,
  AdminUserParams,
  AdminUsersQuery,
  GrantRoleBody,
  PermissionCheckBody,
  PolicyBody,
  RevokeRoleBody,
  SuspendBody,
  UnsuspendBody,
} from '../../../../protocol/index.js';
import { addPolicy } from '../../core/admin/add-policy.js';
import type { Actor, AdminContext } from '../../core/admin/admin-context.js';
import { checkPermission } from '../../core/admin/check-permission.js';
import { grantRole } from '../../core/admin/grant-role.js';
import { listAudit } from '../../core/admin/list-audit.js';
import { listPolicies } from '../../core/admin/list-policies.js';
import { getUser, listUsers } from '../../core/admin/list-users.js';
import { removePolicy } from '../../core/admin/remove-policy.js';
import { revokeRole } from '../../core/admin/revoke-role.js';
import { suspendUser } from '../../core/admin/suspend-user.js';
import { unsuspendUser } from '../../core/admin/unsuspend-user.js';
import { GLOBAL_DOMAIN } from '../../core/authz/authorizer.js';
import { ParleyError } from '../../core/errors.js';
import { requireRecentProof } from '../../core/accounts/step-up.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema, type RouteDoc } from './route-schema.js';
import { validate } from './validate.js';

export const ADMIN_PREFIX = '/api/v1/admin';

const doc = (summary: string, rest: Pick<RouteDoc, 'params' | 'body' | 'optionalBody' | 'querystring' | 'response'>) =>
  routeSchema({ tag: 'admin', summary, auth: true, ...rest });
const UserAnswer = z.object({ user: AdminUserSchema });
const docs = {
  users: doc('People, by username, a page at a time.', {
    querystring: AdminUsersQuery,
    response: { 200: AdminUserPageSchema },
  }),
  user: doc('One person.', { params: AdminUserParams, response: { 200: UserAnswer } }),
  grant: doc('Grant a global role.', { params: AdminUserParams, body: GrantRoleBody, response: { 200: UserAnswer } }),
  revoke: doc('Revoke a global role (a body with a reason is optional).', {
    params: AdminRoleParams,
    body: RevokeRoleBody,
    optionalBody: true,
    response: { 200: UserAnswer },
  }),
  suspend: doc('Suspend an account and end its sessions.', {
    params: AdminUserParams,
    body: SuspendBody,
    response: { 200: UserAnswer },
  }),
  unsuspend: doc('Lift a suspension (a body with a reason is optional).', {
    params: AdminUserParams,
    body: UnsuspendBody,
    optionalBody: true,
    response: { 200: UserAnswer },
  }),
  policies: doc('The policies and the role grants.', { response: { 200: AdminPoliciesSchema } }),
  addPolicy: doc('Add a policy.', {
    body: PolicyBody,
    response: { 200: z.object({ policy: PolicyBody, added: z.boolean() }) },
  }),
  removePolicy: doc('Remove a policy.', { body: PolicyBody, response: { 204: NoContent } }),
  removePolicyPost: doc('Remove a policy (for clients that send no body with DELETE).', {
    body: PolicyBody,
    response: { 204: NoContent },
  }),
  check: doc('Would this person be allowed this action here?', {
    body: PermissionCheckBody,
    response: { 200: z.object({ allowed: z.boolean() }) },
  }),
  audit: doc('The audit log, newest first, a page at a time.', {
    querystring: AdminAuditQuery,
    response: { 200: AdminAuditPageSchema },
  }),
};

/**
 * The admin API, one encapsulated plugin: its hooks authenticate (401 otherwise) and demand `admin`
 * in the global domain (403 FORBIDDEN otherwise) before any route runs or any input is read, so no
 * admin route can exist without them. Register with `{ prefix: ADMIN_PREFIX }`. Each use case checks
 * its own permission again (core/admin/).
 */
export function adminRoutes(ctx: AdminContext, auth: preHandlerAsyncHookHandler): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify wants an async plugin
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', auth);
    app.addHook('preHandler', (request, _reply, done) => {
      const allowed = ctx.authz.can(identityOf(request).user.id, GLOBAL_DOMAIN, 'admin');
      done(allowed ? undefined : new ParleyError('FORBIDDEN'));
    });
    // Every write needs a recent proof of identity (a stolen admin session cannot act for long).
    // `permissions/check` is a question asked with POST, not a write.
    app.addHook('preHandler', async (request) => {
      if (
        request.method === 'GET' ||
        request.method === 'HEAD' ||
        request.routeOptions.url === `${ADMIN_PREFIX}/permissions/check`
      )
        return;
      await requireRecentProof(ctx, identityOf(request).sessionId);
    });
    // Nothing an admin sees may be kept by a cache between them and us.
    app.addHook('onRequest', (_request, reply, done) => {
      void reply.header('Cache-Control', 'no-store');
      done();
    });

    const actor = (request: FastifyRequest): Actor => ({
      id: identityOf(request).user.id,
      via: { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' },
    });
    const username = (request: FastifyRequest) => validate(AdminUserParams, request.params).username;

    app.get('/users', { schema: docs.users }, async (request) =>
      listUsers(ctx, actor(request), validate(AdminUsersQuery, request.query)),
    );

    app.get('/users/:username', { schema: docs.user }, async (request) => ({
      user: await getUser(ctx, actor(request), username(request)),
    }));

    app.post('/users/:username/roles', { schema: docs.grant }, async (request) => {
      const name = username(request);
      const { role, reason } = validate(GrantRoleBody, request.body);
      return { user: await grantRole(ctx, actor(request), name, role, reason ?? '') };
    });

    app.delete('/users/:username/roles/:role', { schema: docs.revoke }, async (request) => {
      const { username: name, role } = validate(AdminRoleParams, request.params);
      const { reason } = validate(RevokeRoleBody, request.body ?? {});
      return { user: await revokeRole(ctx, actor(request), name, role, reason ?? '') };
    });

    app.post('/users/:username/suspend', { schema: docs.suspend }, async (request) => {
      const name = username(request);
      const { reason } = validate(SuspendBody, request.body);
      return { user: await suspendUser(ctx, actor(request), name, reason.trim()) };
    });

    app.post('/users/:username/unsuspend', { schema: docs.unsuspend }, async (request) => {
      const name = username(request);
      const { reason } = validate(UnsuspendBody, request.body ?? {});
      return { user: await unsuspendUser(ctx, actor(request), name, reason ?? '') };
    });

    app.get('/policies', { schema: docs.policies }, async (request) => listPolicies(ctx, actor(request)));

    app.post('/policies', { schema: docs.addPolicy }, async (request) => {
      const policy = validate(PolicyBody, request.body);
      return { policy, ...(await addPolicy(ctx, actor(request), policy)) };
    });

    const remove = async (request: FastifyRequest, reply: { status(code: number): { send(): unknown } }) => {
      await removePolicy(ctx, actor(request), validate(PolicyBody, request.body));
      return reply.status(204).send();
    };
    app.delete('/policies', { schema: docs.removePolicy }, remove);
    app.post('/policies/remove', { schema: docs.removePolicyPost }, remove);

    app.post('/permissions/check', { schema: docs.check }, async (request) =>
      checkPermission(ctx, actor(request), validate(PermissionCheckBody, request.body)),
    );

    app.get('/audit', { schema: docs.audit }, async (request) =>
      listAudit(ctx, actor(request), validate(AdminAuditQuery, request.query)),
    );
  };
}
