/**
 * The room moderation routes (moderators and owners of a room): mute, kick, ban and lift them, the
 * room's read-only and slow modes, and a member's room role (owners). Every change is also a room
 * event that reaches everyone following the room, so callers need not update anything by hand.
 */
import type { RoomRole } from '../../protocol/events.js';
import type { Room, User } from '../../protocol/frames.js';
import { request } from './api.js';

const roomPath = (room: string): string => `/rooms/${encodeURIComponent(room)}`;
const userPart = (username: string): string => encodeURIComponent(username);

/** Mutes `username` in the room for `durationSeconds`: their messages, edits and reactions are refused. */
export function muteMember(
  room: string,
  username: string,
  durationSeconds: number,
  reason?: string,
): Promise<{ user: User; until: string; reason?: string }> {
  const body = { username, durationSeconds, ...(reason ? { reason } : {}) };
  return request(`${roomPath(room)}/mutes`, { method: 'POST', body, auth: true });
}

export function unmuteMember(room: string, username: string): Promise<void> {
  return request(`${roomPath(room)}/mutes/${userPart(username)}`, { method: 'DELETE', auth: true });
}

/** Removes `username` from the room (they may join a public room again). */
export function kickMember(room: string, username: string, reason?: string): Promise<void> {
  return request(`${roomPath(room)}/kicks`, {
    method: 'POST',
    body: { username, ...(reason ? { reason } : {}) },
    auth: true,
  });
}

/** Removes `username` and bars them from coming back (works on someone not in the room too). */
export function banMember(room: string, username: string, reason?: string): Promise<void> {
  return request(`${roomPath(room)}/bans`, {
    method: 'POST',
    body: { username, ...(reason ? { reason } : {}) },
    auth: true,
  });
}

export function unbanMember(room: string, username: string): Promise<void> {
  return request(`${roomPath(room)}/bans/${userPart(username)}`, { method: 'DELETE', auth: true });
}

export interface RoomBan {
  user: User;
  reason?: string;
  bannedAt?: string;
  bannedBy?: User;
}

export function roomBans(room: string): Promise<{ bans: RoomBan[] }> {
  return request(`${roomPath(room)}/bans`, { auth: true });
}

export interface ModerationChange {
  readOnly?: boolean;
  /** 0: off. */
  slowModeSeconds?: number;
}

export function setModeration(room: string, change: ModerationChange): Promise<{ room?: Room } | undefined> {
  return request(`${roomPath(room)}/moderation`, { method: 'PATCH', body: change, auth: true });
}

/** Gives a member a room role (owners only). */
export function setMemberRole(room: string, username: string, role: RoomRole): Promise<unknown> {
  return request(`${roomPath(room)}/members/${userPart(username)}`, { method: 'PATCH', body: { role }, auth: true });
}
