import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';

/** UserStore.listUsers: username order regardless of case, paging, search by part of a name. */
export function describeUserListContract(
  adapter: string,
  open: () => Promise<{ store: Store; dispose: () => Promise<void> }>,
): void {
  describe(`User list contract: ${adapter}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await open());
      for (const username of ['Carol', 'alice', 'bob_1', 'bobby', 'ALBERT', 'b%b'])
        await store.createUser({
          id: randomUUID(),
          username,
          passwordHash: 'secret-hash',
          createdAt: new Date().toISOString(),
        });
    });
    afterEach(async () => {
      await dispose();
    });

    const names = async (query: Parameters<Store['listUsers']>[0]) =>
      (await store.listUsers(query)).map((user) => user.username);

    it('lists in username order regardless of case, and pages after a name', async () => {
      expect(await names({ limit: 3 })).toEqual(['ALBERT', 'alice', 'b%b']);
      expect(await names({ limit: 3, after: 'b%b' })).toEqual(['bob_1', 'bobby', 'Carol']);
      expect(await names({ limit: 3, after: 'carol' })).toEqual([]);
    });

    it('searches by part of a name in any case, wildcards matched literally', async () => {
      expect(await names({ limit: 10, search: 'AL' })).toEqual(['ALBERT', 'alice']);
      expect(await names({ limit: 10, search: '_' })).toEqual(['bob_1']);
      expect(await names({ limit: 10, search: '%' })).toEqual(['b%b']);
      expect(await names({ limit: 10, search: 'zed' })).toEqual([]);
    });

    it('never returns a password hash', async () => {
      const [user] = await store.listUsers({ limit: 1 });
      expect(Object.keys(user!).sort()).toEqual(['createdAt', 'id', 'username']);
    });
  });
}
