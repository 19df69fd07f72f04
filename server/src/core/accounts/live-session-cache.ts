import type { User } from '../../../../protocol/index.js';
import type { StoredSession } from '../../ports/store.js';

interface Entry {
  value: { user: User; session: StoredSession };
  until: number;
}

/**
 * Remembers, for a moment, that a session was live, so a burst of handshakes and requests from one
 * session costs one database lookup instead of one each. Safe because every revocation forgets the
 * session: on this node at once, on the others when the bus brings `sessions-ended` (and, should the
 * bus lose that event, after `ttlMs` at most).
 *
 * A lookup that began before a revocation may finish after it, holding the row as it was: `set`
 * takes the `generation()` read before the lookup and keeps nothing if any session was forgotten
 * since, so a revoked session is never put back.
 */
export class LiveSessionCache {
  private readonly entries = new Map<string, Entry>();
  private forgets = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(sessionId: string, now: number): Entry['value'] | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry.value;
  }

  /** Read before a lookup whose answer will be `set`. */
  generation(): number {
    return this.forgets;
  }

  set(sessionId: string, value: Entry['value'], now: number, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.forgets) return;
    // Bounded: when full, start over rather than grow (entries are cheap to rebuild).
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(sessionId, { value, until: now + this.ttlMs });
  }

  forget(sessionIds: Iterable<string>): void {
    this.forgets++;
    for (const id of sessionIds) this.entries.delete(id);
  }
}
