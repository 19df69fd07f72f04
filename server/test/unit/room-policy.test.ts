import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/adapters/bus-memory.js';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { Authorizer, roomDomain } from '../../src/core/authz/authorizer.js';
import { decideRoomAction as decideWith, type RoomAction } from '../../src/core/conversations/room-policy.js';
import type { Store, StoredMembership, StoredRoom } from '../../src/ports/store.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { tempDir } from '../helpers/server.js';

// The room's shape decides some answers; the default policies, in a real enforcer, decide the rest.
let store: Store;
let authorizer: Authorizer;
const dir = tempDir('parley-room-policy-');
beforeAll(async () => {
  store = await openSqliteStore(join(dir.path, 'policy.db'));
  authorizer = await Authorizer.open({ store, bus: new MemoryBus(), nodeId: 'n1', logger: recordingLogger() });
});
afterAll(async () => {
  authorizer.close();
  await store.close();
  dir.remove();
});
const decideRoomAction = (r: StoredRoom, m: StoredMembership | undefined, action: RoomAction) =>
  decideWith(r, m, action, (roles, act) => authorizer.allows('u', roles, roomDomain(r.name), act));

const room = (overrides: Partial<StoredRoom> = {}): StoredRoom => ({
  name: 'r',
  kind: 'room',
  visibility: 'public',
  topic: '',
  lastSeq: 0,
  memberCount: 1,
  createdAt: '',
  createdBy: null,
  readOnly: false,
  slowModeSeconds: 0,
  ...overrides,
});
const member = (role: StoredMembership['role'] = 'member'): StoredMembership => ({
  room: 'r',
  userId: 'u',
  role,
  joinedAt: '',
  lastReadSeq: 0,
  mutedUntil: null,
  muteReason: null,
});
const ACTIONS: RoomAction[] = [
  'read',
  'join',
  'write',
  'manage',
  'invite',
  'remove',
  'leave',
  'delete_any',
  'mute',
  'kick',
  'ban',
  'set_slow_mode',
];

describe('the room policy', () => {
  it('answers ROOM_NOT_FOUND for every action on a private room or DM I am not in', () => {
    for (const r of [room({ visibility: 'private' }), room({ kind: 'dm', visibility: 'private' })]) {
      for (const action of ACTIONS) expect(decideRoomAction(r, undefined, action)).toBe('ROOM_NOT_FOUND');
    }
  });

  it('lets anyone read and join a public room, and only members write or leave', () => {
    expect(decideRoomAction(room(), undefined, 'read')).toBe('allow');
    expect(decideRoomAction(room(), undefined, 'join')).toBe('allow');
    expect(decideRoomAction(room(), undefined, 'write')).toBe('NOT_IN_ROOM');
    expect(decideRoomAction(room(), undefined, 'leave')).toBe('NOT_IN_ROOM');
    expect(decideRoomAction(room(), member(), 'write')).toBe('allow');
    expect(decideRoomAction(room(), member(), 'leave')).toBe('allow');
  });

  it('keeps managing, inviting and removing for owners', () => {
    for (const action of ['manage', 'invite', 'remove'] as const) {
      expect(decideRoomAction(room(), member(), action)).toBe('NOT_ROOM_OWNER');
      expect(decideRoomAction(room({ visibility: 'private' }), member(), action)).toBe('NOT_ROOM_OWNER');
      expect(decideRoomAction(room(), member('owner'), action)).toBe('allow');
    }
  });

  it('lets a room moderator moderate but not manage, and a member neither', () => {
    for (const action of ['delete_any', 'mute', 'kick', 'ban', 'set_slow_mode'] as const) {
      expect(decideRoomAction(room(), member('moderator'), action)).toBe('allow');
      expect(decideRoomAction(room(), member('owner'), action)).toBe('allow');
      expect(decideRoomAction(room(), member(), action)).toBe('FORBIDDEN');
      expect(decideRoomAction(room(), undefined, action)).toBe('FORBIDDEN');
    }
    expect(decideRoomAction(room(), member('moderator'), 'manage')).toBe('NOT_ROOM_OWNER');
    expect(decideRoomAction(room(), member('moderator'), 'write')).toBe('allow');
  });

  it('fixes the members of a DM', () => {
    const dm = room({ kind: 'dm', visibility: 'private' });
    expect(decideRoomAction(dm, member(), 'read')).toBe('allow');
    expect(decideRoomAction(dm, member(), 'write')).toBe('allow');
    for (const action of ['invite', 'remove', 'leave'] as const) {
      expect(decideRoomAction(dm, member(), action)).toBe('DM_MEMBERS_FIXED');
    }
  });
});
