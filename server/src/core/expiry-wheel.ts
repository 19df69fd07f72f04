/**
 * When each live socket's credentials run out. One timer for every connection on the node (not one
 * per socket): items sit in slots of `tickMs` by their deadline, and each tick expires the slots that
 * are due. Setting, moving and removing a deadline are O(1); a tick costs O(what expires). With 10k
 * sockets that is two map entries each and four ticks a second, and no timer at all while the node
 * has no socket. The timer is unref'd, so it never keeps the process alive.
 *
 * An item is expired between its deadline and its deadline plus one tick (plus event-loop lag).
 */
export class ExpiryWheel<T> {
  private readonly slots = new Map<number, Set<T>>();
  private readonly slotOf = new Map<T, number>();
  /** The lowest slot not yet expired. */
  private cursor = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly tickMs: number,
    private readonly now: () => number,
    private readonly expire: (item: T) => void,
  ) {}

  /** Sets (or moves) the item's deadline, in ms since the epoch on `now`'s clock. */
  set(item: T, deadline: number): void {
    this.delete(item);
    if (this.timer === undefined) this.start();
    const slot = Math.max(Math.ceil(deadline / this.tickMs), this.cursor);
    let bucket = this.slots.get(slot);
    if (!bucket) this.slots.set(slot, (bucket = new Set()));
    bucket.add(item);
    this.slotOf.set(item, slot);
  }

  delete(item: T): void {
    const slot = this.slotOf.get(item);
    if (slot === undefined) return;
    this.slotOf.delete(item);
    const bucket = this.slots.get(slot);
    bucket?.delete(item);
    if (bucket?.size === 0) this.slots.delete(slot);
    if (this.slotOf.size === 0) this.stop();
  }

  get size(): number {
    return this.slotOf.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    this.cursor = Math.floor(this.now() / this.tickMs);
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  private tick(): void {
    const current = Math.floor(this.now() / this.tickMs);
    // After a long pause (or a test clock that jumped) walk the few live slots, not every empty one.
    const due =
      current - this.cursor > this.slots.size
        ? [...this.slots.keys()].filter((slot) => slot <= current)
        : Array.from({ length: Math.max(0, current - this.cursor + 1) }, (_, i) => this.cursor + i);
    this.cursor = Math.max(this.cursor, current + 1);
    for (const slot of due) {
      const bucket = this.slots.get(slot);
      if (!bucket) continue;
      this.slots.delete(slot);
      for (const item of bucket) {
        this.slotOf.delete(item);
        this.expire(item);
      }
    }
    if (this.slotOf.size === 0) this.stop();
  }
}
