import type { Store } from '../../src/ports/store.js';

const GENEROUS = { roomsPerUser: 1_000_000, membersPerRoom: 1_000_000 };

/** Makes users members of a room (as a public join would), failing loudly if the store refuses. */
export async function addMembers(store: Store, room: string, ...userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    const result = await store.applyChange({
      kind: 'member_join',
      room,
      actorId: userId,
      userId,
      role: 'member',
      limits: GENEROUS,
      at: new Date().toISOString(),
    });
    if (result.status === 'refused') throw new Error(`could not add ${userId} to ${room}: ${result.code}`);
  }
}
