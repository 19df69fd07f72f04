import type { Message, ServerFrame, User } from '../../../protocol/index.js';
import type { StoredMessage, StoredUser } from '../ports/store.js';
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

export function toMessage(message: StoredMessage): Message {
  return {
    id: message.id,
    room: message.room,
    seq: message.seq,
    user: toUser({ id: message.userId, username: message.username }),
    text: message.text,
    createdAt: message.createdAt,
  };
}
