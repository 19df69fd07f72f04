/**
 * The admin routes (`/api/v1/admin/…`, admins only: anyone else is refused FORBIDDEN): people and
 * their global roles, suspension, and the audit log. Every write is an audit entry on the server.
 */
import { request } from './api.js';

export type GlobalRole = 'admin' | 'moderator';
export const GLOBAL_ROLES: readonly GlobalRole[] = ['admin', 'moderator'];

export interface AdminUser {
  id: string;
  username: string;
  createdAt: string;
  roles: string[];
  suspended?: { at: string; reason: string };
}

export interface UsersPage {
  users: AdminUser[];
  /** Pass as `after` for the next page; absent on the last one. */
  next?: string;
}

const userPath = (username: string): string => `/admin/users/${encodeURIComponent(username)}`;

export function listUsers(search: string, after?: string, limit = 50): Promise<UsersPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (search !== '') q.set('search', search);
  if (after !== undefined) q.set('after', after);
  return request(`/admin/users?${q.toString()}`, { auth: true });
}

export function getUser(username: string): Promise<{ user: AdminUser }> {
  return request(userPath(username), { auth: true });
}

export function grantRole(username: string, role: GlobalRole, reason?: string): Promise<unknown> {
  return request(`${userPath(username)}/roles`, {
    method: 'POST',
    body: { role, ...(reason ? { reason } : {}) },
    auth: true,
  });
}

export function revokeRole(username: string, role: GlobalRole): Promise<unknown> {
  return request(`${userPath(username)}/roles/${encodeURIComponent(role)}`, { method: 'DELETE', auth: true });
}

export function suspendUser(username: string, reason: string): Promise<unknown> {
  return request(`${userPath(username)}/suspend`, { method: 'POST', body: { reason }, auth: true });
}

export function unsuspendUser(username: string, reason?: string): Promise<unknown> {
  return request(`${userPath(username)}/unsuspend`, {
    method: 'POST',
    body: reason ? { reason } : {},
    auth: true,
  });
}

/** One audit entry as the server lists it; the fields beyond these are shown as they come. */
export interface AuditItem {
  position: number;
  at: string;
  actor: string;
  /** The actor's name, when the server resolves it. */
  actorName?: string;
  action: string;
  target: { kind: string; id: string };
  reason: string;
  details?: Record<string, unknown>;
}

/** Entries older than `before` (a position), newest first; `next` is the `before` of the next page. */
export function auditLog(before?: number, limit = 50): Promise<{ entries: AuditItem[]; next?: number }> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) q.set('before', String(before));
  return request(`/admin/audit?${q.toString()}`, { auth: true });
}
