/**
 * The admin API (`/api/v1/admin/…`, issue 14): its bodies and queries, validated strictly (an unknown
 * field is VALIDATION_FAILED, never ignored), and the shapes it answers with.
 */
import { z } from 'zod';
import { Limits } from './limits.js';
import { isWellFormed } from './message-text.js';

/** Roles granted globally (in every domain); a room's roles are the room's own business. */
export const ADMIN_GLOBAL_ROLES = ['admin', 'moderator'] as const;
export type AdminGlobalRole = (typeof ADMIN_GLOBAL_ROLES)[number];

/** Every action a policy may name: the room actions, then the global ones. */
export const AUTHZ_ACTIONS = [
  'read',
  'join',
  'write',
  'leave',
  'manage',
  'invite',
  'remove',
  'delete_any',
  'mute',
  'kick',
  'ban',
  'set_slow_mode',
  'create_room',
  'admin',
  'suspend',
] as const;

export const ADMIN_REASON_MAX_CHARS = 500;
export const ADMIN_PAGE_MAX = 100;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** A reason is one line of well-formed text: it goes into the audit log and onto admins' screens. */
const Reason = z
  .string()
  .max(ADMIN_REASON_MAX_CHARS)
  .refine(
    (text) => isWellFormed(text) && !CONTROL.test(text),
    'a reason is one line of text without control characters',
  );

/** A role a policy names: lower-case, never a user subject (`user:…`). */
const PolicyRole = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a role is lower-case letters, digits and _');
/** Where a policy applies: `global`, every domain `*`, every room `room:*`, or one room. */
const room = Limits.ROOM_PATTERN.source.slice(1, -1);
const PolicyDomain = z
  .string()
  .regex(new RegExp(`^(global|\\*|room:\\*|room:${room})$`), 'a domain is global, *, room:* or room:<name>');
/** A domain a permission is checked in: `global` or one room. */
const CheckDomain = z.string().regex(new RegExp(`^(global|room:${room})$`), 'a domain is global or room:<name>');
const Action = z.enum(AUTHZ_ACTIONS);
const Username = z.string().regex(Limits.USERNAME_PATTERN);

export const AdminUserParams = z.strictObject({ username: Username });
export const AdminRoleParams = z.strictObject({ username: Username, role: z.enum(ADMIN_GLOBAL_ROLES) });

/** `GET users?search=&after=&limit=`. */
export const AdminUsersQuery = z.strictObject({
  search: z.string().min(1).max(100).optional(),
  after: Username.optional(),
  limit: z.coerce.number().int().min(1).max(ADMIN_PAGE_MAX).default(50),
});

/** `GET audit?before=&limit=`. */
export const AdminAuditQuery = z.strictObject({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(ADMIN_PAGE_MAX).default(50),
});

/** `POST users/:username/roles`. */
export const GrantRoleBody = z.strictObject({ role: z.enum(ADMIN_GLOBAL_ROLES), reason: Reason.optional() });
/** `DELETE users/:username/roles/:role` (a body is optional). */
export const RevokeRoleBody = z.strictObject({ reason: Reason.optional() });
/** `POST users/:username/suspend`: the reason is required and is shown to the person at login. */
export const SuspendBody = z.strictObject({
  reason: Reason.refine((text) => text.trim().length > 0, 'give a reason'),
});
export const UnsuspendBody = z.strictObject({ reason: Reason.optional() });
/** `POST policies`, `DELETE policies`, `POST policies/remove`. */
export const PolicyBody = z.strictObject({ role: PolicyRole, domain: PolicyDomain, action: Action });
export type Policy = z.infer<typeof PolicyBody>;
/** `POST permissions/check`. */
export const PermissionCheckBody = z.strictObject({ username: Username, domain: CheckDomain, action: Action });

/** A user as an admin sees them. */
export const AdminUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  createdAt: z.string(),
  /** Global roles granted (besides `user`, which everyone is). */
  roles: z.array(z.string()),
  suspended: z.object({ at: z.string(), reason: z.string() }).optional(),
});
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const AdminUserPageSchema = z.object({
  users: z.array(AdminUserSchema),
  /** Pass as `after` for the next page; absent on the last one. */
  next: z.string().optional(),
});
export type AdminUserPage = z.infer<typeof AdminUserPageSchema>;

/** A role held by a subject in a domain: a user's grant (with their name) or a role link. */
export const AdminGrantSchema = z.object({
  subject: z.string(),
  user: z.object({ id: z.string(), username: z.string() }).optional(),
  role: z.string(),
  domain: z.string(),
});
export type AdminGrant = z.infer<typeof AdminGrantSchema>;

export const AdminPoliciesSchema = z.object({ policies: z.array(PolicyBody), grants: z.array(AdminGrantSchema) });
export type AdminPolicies = z.infer<typeof AdminPoliciesSchema>;

export const AdminAuditEntrySchema = z.object({
  position: z.number().int(),
  at: z.string(),
  /** A user id, or `cli`; `actorName` when the id names a user. */
  actor: z.string(),
  actorName: z.string().optional(),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AdminAuditEntry = z.infer<typeof AdminAuditEntrySchema>;

export const AdminAuditPageSchema = z.object({
  /** Newest first. */
  entries: z.array(AdminAuditEntrySchema),
  /** Pass as `before` for the next (older) page; absent on the last one. */
  next: z.number().int().optional(),
});
export type AdminAuditPage = z.infer<typeof AdminAuditPageSchema>;
