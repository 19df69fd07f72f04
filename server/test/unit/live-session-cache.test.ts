import { expect, it } from 'vitest';
import { LiveSessionCache } from '../../src/core/accounts/live-session-cache.js';
import type { StoredSession } from '../../src/ports/store.js';

const value = (id: string) => ({
  user: { id: 'u', username: 'alice', color: '#ffffff' },
  session: { id, userId: 'u' } as StoredSession,
});

it('remembers a live session for its TTL only, forgets on demand, and stays bounded', () => {
  const cache = new LiveSessionCache(1000, 3);
  cache.set('s1', value('s1'), 0);
  expect(cache.get('s1', 999)?.session.id).toBe('s1');
  expect(cache.get('s1', 1000)).toBeUndefined();
  cache.set('s2', value('s2'), 0);
  cache.forget(['s2']);
  expect(cache.get('s2', 1)).toBeUndefined();
  for (const id of ['a', 'b', 'c', 'd']) cache.set(id, value(id), 0);
  expect(cache.get('a', 1)).toBeUndefined();
  expect(cache.get('d', 1)?.session.id).toBe('d');
});

it('remembers nothing with a TTL of 0', () => {
  const cache = new LiveSessionCache(0);
  cache.set('s1', value('s1'), 0);
  expect(cache.get('s1', 0)).toBeUndefined();
});
