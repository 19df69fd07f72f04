import { replyExcerpt, type Message, type RoomEvent, type ServerFrame, type User } from '../../../protocol/index.js';
import type { StoredEvent, StoredMessage, StoredUser } from '../ports/store.js';
import { userColor } from './color.js';

/**
 * Turning domain records into wire shapes, and frames into bytes. A broadcast is encoded once
 * here and the same bytes go to every recipient.
 */
const encoder = new TextEncoder();

export function encodeFrame(frame: ServerFrame): Uint8Array {
  return encodeText(JSON.stringify(frame));
}

export function serializeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/**
 * A Node Buffer where there is one (the server): `ws` then writes it as is, instead of wrapping a
 * plain Uint8Array in a new Buffer for every recipient.
 */
export function encodeText(payload: string): Uint8Array {
  return typeof Buffer === 'undefined' ? encoder.encode(payload) : Buffer.from(payload, 'utf8');
}

export function toUser(user: Pick<StoredUser, 'id' | 'username'>): User {
  return { id: user.id, username: user.username, color: userColor(user.username) };
}

/** The wire shape; optional fields appear only when they say something, so v1 frames stay as they were. */
export function toMessage(message: StoredMessage): Message {
  const wire: Message = {
    id: message.id,
    room: message.room,
    seq: message.seq,
    user: toUser({ id: message.userId, username: message.username }),
    text: message.text,
    createdAt: message.createdAt,
  };
  if (message.editedAt) wire.editedAt = message.editedAt;
  if (message.deletedAt) wire.deletedAt = message.deletedAt;
  if (message.replyTo) {
    const quoted = message.replyTo;
    wire.replyTo = {
      id: quoted.id,
      seq: quoted.seq,
      user: toUser({ id: quoted.userId, username: quoted.username }),
      excerpt: quoted.deleted ? '' : replyExcerpt(quoted.text),
      deleted: quoted.deleted,
    };
  }
  if (message.mentions.length > 0) wire.mentions = message.mentions;
  if (message.reactions && message.reactions.length > 0) wire.reactions = message.reactions;
  if (message.files && message.files.length > 0 && !message.deletedAt) wire.files = message.files;
  return wire;
}

/** Whom a member event is about (the actor when it names nobody else). */
function targetOf(event: StoredEvent): User {
  return toUser({ id: event.targetId ?? event.actorId, username: event.targetName ?? event.actorName });
}

/** A stored room event as clients see it (the same for every recipient). */
export function toRoomEvent(event: StoredEvent): RoomEvent {
  const base = {
    room: event.room,
    seq: event.seq,
    at: event.createdAt,
    actor: toUser({ id: event.actorId, username: event.actorName }),
  };
  const messageId = event.messageId ?? '';
  const data = event.data;
  switch (event.kind) {
    case 'edit':
      return {
        ...base,
        kind: 'edit',
        messageId,
        text: event.message?.text ?? '',
        editedAt: event.message?.editedAt ?? event.createdAt,
        mentions: event.message?.mentions ?? [],
      };
    case 'delete':
      return { ...base, kind: 'delete', messageId, byModerator: data['byModerator'] === true };
    case 'reaction_add':
    case 'reaction_remove':
      return {
        ...base,
        kind: event.kind,
        messageId,
        emoji: String(data['emoji']),
        count: Number(data['count']),
      };
    case 'member_join':
    case 'member_add':
    case 'member_leave':
    case 'member_remove':
    case 'member_kick':
    case 'member_ban':
    case 'member_unban':
    case 'member_role': {
      const role = data['role'];
      const reason = data['reason'];
      return {
        ...base,
        kind: event.kind,
        user: targetOf(event),
        ...(role === 'owner' || role === 'moderator' || role === 'member' ? { role } : {}),
        ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
      };
    }
    case 'member_mute': {
      const reason = data['reason'];
      return {
        ...base,
        kind: 'member_mute',
        user: targetOf(event),
        until: String(data['until']),
        ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
      };
    }
    case 'member_unmute':
      return { ...base, kind: 'member_unmute', user: targetOf(event) };
    case 'room_change': {
      const change: RoomEvent = { ...base, kind: 'room_change' };
      if (typeof data['topic'] === 'string') change.topic = data['topic'];
      if (data['visibility'] === 'public' || data['visibility'] === 'private') change.visibility = data['visibility'];
      if (typeof data['readOnly'] === 'boolean') change.readOnly = data['readOnly'];
      if (typeof data['slowModeSeconds'] === 'number') change.slowModeSeconds = data['slowModeSeconds'];
      return change;
    }
  }
}
