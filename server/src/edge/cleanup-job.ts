import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Sessions } from '../core/accounts/sessions.js';

const BATCH_SIZE = 500;
/** Ended sessions stay listed for audits this long before their rows go. */
const RETENTION_DAYS = 30;

/** More to clean up in batches: answers how many it removed (fewer than the batch: done for now). */
export interface CleanupTask {
  name: string;
  runBatch(batchSize: number): Promise<number>;
}

/**
 * Deletes expired refresh tokens and long-ended sessions now and then, in small batches with the
 * event loop free between them, so chat traffic never waits on a big delete; then runs the other
 * tasks the same way (uploads never attached, issue 18).
 */
export class CleanupJob {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running = false;

  constructor(
    private readonly sessions: Sessions,
    private readonly logger: FastifyBaseLogger,
    private readonly intervalMs: number,
    private readonly tasks: readonly CleanupTask[] = [],
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One full pass; answers the rows deleted. Never throws. */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    try {
      for (;;) {
        const deleted = await this.sessions.cleanupBatch(BATCH_SIZE, RETENTION_DAYS);
        total += deleted;
        if (deleted < BATCH_SIZE) break;
        await yieldToEventLoop();
      }
      if (total > 0) this.logger.info({ deleted: total }, 'cleaned up expired sessions and tokens');
    } catch (error) {
      this.logger.warn({ err: error }, 'session cleanup failed; will retry');
    }
    for (const task of this.tasks) total += await this.runTask(task);
    this.running = false;
    return total;
  }

  private async runTask(task: CleanupTask): Promise<number> {
    let removed = 0;
    try {
      for (;;) {
        const count = await task.runBatch(BATCH_SIZE);
        removed += count;
        if (count < BATCH_SIZE) break;
        await yieldToEventLoop();
      }
      if (removed > 0) this.logger.info({ removed, task: task.name }, 'cleaned up');
    } catch (error) {
      this.logger.warn({ err: error, task: task.name }, 'cleanup failed; will retry');
    }
    return removed;
  }
}
