import { expect, it } from 'vitest';
import { LiveSessionCache } from '../../src/core/accounts/live-session-cache.js';
import type { StoredSession } from '../../src/ports/store.js';

const value = (id: string) => ({
  user: { id: 'u', username: 'alice', color: '#ffffff' },
  session: { id, userId: 'u' } as StoredSession,
});

it('remembers a live session for its TTL only, forgets on demand, and stays bounded', () => {
  const cache = new LiveSessionCache(1000, 3);
  cache.set('s1', value('s1'), 0, cache.generation());
  expect(cache.get('s1', 999)?.session.id).toBe('s1');
  expect(cache.get('s1', 1000)).toBeUndefined();
  cache.set('s2', value('s2'), 0, cache.generation());
  cache.forget(['s2']);
  expect(cache.get('s2', 1)).toBeUndefined();
  for (const id of ['a', 'b', 'c', 'd']) cache.set(id, value(id), 0, cache.generation());
  expect(cache.get('a', 1)).toBeUndefined();
  expect(cache.get('d', 1)?.session.id).toBe('d');
});

it('remembers nothing with a TTL of 0', () => {
  const cache = new LiveSessionCache(0);
  cache.set('s1', value('s1'), 0, cache.generation());
  expect(cache.get('s1', 0)).toBeUndefined();
});

it('does not put back a session whose lookup began before it was revoked', () => {
  const cache = new LiveSessionCache(1000);
  const before = cache.generation();
  // The lookup is in flight (it read the row while it was live) when the revocation forgets it.
  cache.forget(['s1']);
  cache.set('s1', value('s1'), 0, before);
  expect(cache.get('s1', 1)).toBeUndefined();
  // A lookup that began after the revocation is remembered as usual.
  cache.set('s3', value('s3'), 0, cache.generation());
  expect(cache.get('s3', 1)?.session.id).toBe('s3');
});
