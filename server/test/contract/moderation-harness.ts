import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect } from 'vitest';
import type {
  ChangeResult,
  MembershipLimits,
  NewMessage,
  RoomChange,
  Store,
  StoredEvent,
  StoredUser,
} from '../../src/ports/store.js';

/** What a moderation contract suite opens: a store, and (multi-node adapters) a second one on the same database. */
export interface ModerationStoreUnderTest {
  store: Store;
  /** A second Store on the same database, as another node would have (multi-node adapters only). */
  peer?: Store;
  dispose: () => Promise<void>;
}

export const GENEROUS: MembershipLimits = { roomsPerUser: 1_000_000, membersPerRoom: 1_000_000 };

/**
 * The fixture and helpers of the moderation contract suites (moderation-*.contract.ts): a fresh store
 * per test with a clock of its own (times are the test's, so a mute runs out without waiting).
 * Call inside a describe block; read `store` and `peer` inside tests.
 */
export function moderationHarness(open: () => Promise<ModerationStoreUnderTest>) {
  let store: Store;
  let peer: Store | undefined;
  let dispose: () => Promise<void>;
  let clock = Date.parse('2030-01-01T00:00:00.000Z');
  const now = () => new Date(clock).toISOString();
  const later = (seconds: number) => new Date(clock + seconds * 1000).toISOString();

  beforeEach(async () => {
    ({ store, peer, dispose } = await open());
    clock = Date.parse('2030-01-01T00:00:00.000Z');
  });
  afterEach(async () => {
    await dispose();
  });

  async function user(): Promise<StoredUser> {
    const record: StoredUser = {
      id: randomUUID(),
      username: `u_${randomUUID().slice(0, 8)}`,
      passwordHash: 'x',
      createdAt: now(),
    };
    expect(await store.createUser(record)).toBe('created');
    return record;
  }

  /** A public room owned by `owner`, with `others` as members. */
  async function room(owner: StoredUser, ...others: StoredUser[]): Promise<string> {
    const name = `r-${randomUUID().slice(0, 8)}`;
    const result = await store.createRoom(
      {
        name,
        kind: 'room',
        visibility: 'public',
        topic: '',
        createdBy: owner.id,
        at: now(),
        members: [
          { userId: owner.id, role: 'owner' },
          ...others.map((m) => ({ userId: m.id, role: 'member' as const })),
        ],
      },
      GENEROUS,
    );
    expect(result.status).toBe('created');
    return name;
  }

  const change = (c: RoomChange, on: Store = store) => on.applyChange(c);
  const join = (name: string, who: StoredUser, on: Store = store) =>
    change(
      {
        kind: 'member_join',
        room: name,
        actorId: who.id,
        userId: who.id,
        role: 'member',
        limits: GENEROUS,
        at: now(),
      },
      on,
    );

  function send(name: string, who: StoredUser, extra: Partial<NewMessage> = {}, on: Store = store) {
    return on.appendMessage({
      id: randomUUID(),
      room: name,
      userId: who.id,
      clientMsgId: randomUUID(),
      text: 'hi',
      createdAt: now(),
      ...extra,
    });
  }

  function applied(result: ChangeResult): StoredEvent {
    if (result.status !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(result)}`);
    return result.event;
  }

  const lastSeq = async (name: string) => (await store.findRoom(name))!.lastSeq;

  /** Refused (or unchanged) writes nothing: no seq, no event, no message. */
  async function nothingWritten<T>(name: string, act: () => Promise<T>): Promise<T> {
    const before = { seq: await lastSeq(name), events: await store.eventsAfter(name, 0, 10_000) };
    const messages = (await store.messagesAfter(name, 0, 10_000)).length;
    const result = await act();
    expect(await lastSeq(name)).toBe(before.seq);
    expect(await store.eventsAfter(name, 0, 10_000)).toEqual(before.events);
    expect((await store.messagesAfter(name, 0, 10_000)).length).toBe(messages);
    return result;
  }

  return {
    get store() {
      return store;
    },
    get peer() {
      return peer;
    },
    advance(ms: number) {
      clock += ms;
    },
    now,
    later,
    user,
    room,
    change,
    join,
    send,
    applied,
    lastSeq,
    nothingWritten,
  };
}
