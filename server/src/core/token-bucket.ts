/**
 * A token bucket checked synchronously on every incoming frame: `capacity` tokens, refilled at
 * `ratePerSecond`. Synchronous on purpose — it runs before a frame is queued, once per frame of a
 * flood, so it may cost no promise, no timer and no round trip (the shared, asynchronous limits of
 * `ports/rate-limiter.ts` stay for what must hold across nodes, such as messages per user).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly ratePerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Takes one token; answers 0 when it was there, else the milliseconds until one will be. */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Gives back a token taken by a frame another check then refused (it was never worked on). */
  giveBack(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }

  /** True when the bucket has refilled completely (nothing to remember about it). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }
}
