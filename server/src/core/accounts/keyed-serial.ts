/**
 * Runs the tasks of one key one after another on this node; tasks of different keys run freely.
 * For read-then-write sequences on a limit (consume, then block) that must not interleave for one
 * key, whatever the adapter's round trips.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // The last task of a key removes the key, so the map holds only keys with work in progress.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task in progress or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
