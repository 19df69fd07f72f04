/** One call's result in a batch: what it answers, or why it alone failed. */
export type Outcome<R> = { ok: R } | { error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the calls made in one turn of the event loop are written together, after the loop's
 * I/O phase (`setImmediate`), by `writeBatch`, which commits them in one transaction and answers one
 * outcome per item. Each caller's promise settles only once that batch is committed (or refused), so
 * "stored before acknowledged" holds per call. Calls made while a batch is being written form the
 * next batch. If `writeBatch` throws, every call of the batch is refused with that error.
 */
export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly writeBatch: (items: T[]) => Promise<Outcome<R>[]>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) this.start();
    });
  }

  /** Resolves once every call made so far has been committed or refused. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private start(): void {
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.start();
      });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      let outcomes: Outcome<R>[];
      try {
        outcomes = await this.writeBatch(batch.map((waiting) => waiting.item));
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
        continue;
      }
      outcomes.forEach((outcome, index) => {
        const waiting = batch[index]!;
        if ('ok' in outcome) waiting.resolve(outcome.ok);
        else waiting.reject(outcome.error);
      });
    }
  }
}
