/**
 * How many attempts per key are between their start and their end on this node. A bound on it
 * answers at once instead of queueing: a burst waits for nothing, and the bcrypt pool, which every
 * login shares, never holds more than the bound's worth of one key's checks.
 */
export class InFlight {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a slot for the key; false when all `max` are taken. */
  tryAcquire(key: string): boolean {
    const now = this.counts.get(key) ?? 0;
    if (now >= this.max) return false;
    this.counts.set(key, now + 1);
    return true;
  }

  release(key: string): void {
    const now = this.counts.get(key) ?? 0;
    if (now <= 1) this.counts.delete(key);
    else this.counts.set(key, now - 1);
  }
}
