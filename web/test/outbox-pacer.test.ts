/**
 * The outbox's token bucket: a burst a little under the server's, then a steady pace a little under
 * its rate, and a refusal that holds everything for `retryAfter`.
 */
import { expect, it } from 'vitest';
import { BURST_MARGIN, createOutboxPacer, DEFAULT_PACER_LIMITS, RATE_MARGIN } from '../src/outbox-pacer.js';

/** Sends as fast as the pacer lets, from `start` for `ms`; returns the times they went out. */
function drain(pacer: ReturnType<typeof createOutboxPacer>, start: number, ms: number): number[] {
  const times: number[] = [];
  let t = start;
  while (t <= start + ms) {
    const wait = pacer.wait(t);
    if (wait > 0) {
      t += wait;
      continue;
    }
    pacer.sent(t);
    times.push(t);
  }
  return times;
}

it('lets a burst go at once, then paces to a little under the steady rate', () => {
  const pacer = createOutboxPacer({ messagesPerSecond: 5, messagesBurst: 20 }, 0);
  const times = drain(pacer, 0, 10_000);
  const burst = Math.floor(20 * BURST_MARGIN);
  expect(times.filter((t) => t === 0)).toHaveLength(burst);
  // After the burst: one every 1 / (5 × margin) s.
  const gaps = times.slice(burst).map((t, i) => t - times[burst + i - 1]!);
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(Math.floor(1000 / (5 * RATE_MARGIN)));
  expect(times.length).toBe(burst + Math.floor((10_000 * 5 * RATE_MARGIN) / 1000));
});

it('never sends more in any window than the server allows in it', () => {
  const limits = DEFAULT_PACER_LIMITS;
  const pacer = createOutboxPacer(limits, 0);
  const times = drain(pacer, 0, 60_000);
  // Any 1 s: at most rate + burst; any 4 s (the server's burst window): at most 4 × rate + burst.
  for (const [windowMs, most] of [
    [1000, limits.messagesPerSecond + limits.messagesBurst],
    [4000, 4 * limits.messagesPerSecond + limits.messagesBurst],
  ] as const) {
    for (const from of times) {
      const inside = times.filter((t) => t >= from && t < from + windowMs).length;
      expect(inside).toBeLessThanOrEqual(most);
    }
  }
});

it('refills while idle, never past its capacity', () => {
  const pacer = createOutboxPacer({ messagesPerSecond: 5, messagesBurst: 20 }, 0);
  drain(pacer, 0, 0);
  expect(pacer.wait(0)).toBeGreaterThan(0);
  expect(drain(pacer, 3_600_000, 0)).toHaveLength(Math.floor(20 * BURST_MARGIN));
});

it('holds everything for retryAfter after a refusal, then starts from an empty bucket', () => {
  const pacer = createOutboxPacer({ messagesPerSecond: 5, messagesBurst: 20 }, 0);
  expect(pacer.wait(0)).toBe(0);
  pacer.refused(3, 100);
  expect(pacer.wait(100)).toBe(3000);
  expect(pacer.wait(3099)).toBe(1);
  expect(pacer.wait(3100)).toBe(0);
  // Three seconds of refill at the pacer's rate, not a full bucket.
  expect(drain(pacer, 3100, 0)).toHaveLength(Math.floor(3 * 5 * RATE_MARGIN));
  // A refusal without a usable retryAfter still waits a second.
  pacer.refused(0, 10_000);
  expect(pacer.wait(10_000)).toBe(1000);
});

it('adopts the limits the server says, keeping a full bucket full', () => {
  const pacer = createOutboxPacer(DEFAULT_PACER_LIMITS, 0);
  pacer.setLimits({ messagesPerSecond: 1, messagesBurst: 0 }, 0);
  expect(drain(pacer, 0, 0)).toHaveLength(1); // no burst: one at a time
  expect(pacer.wait(0)).toBe(Math.ceil(1000 / RATE_MARGIN));
  pacer.setLimits({ messagesPerSecond: 100, messagesBurst: 1000 }, 10_000_000);
  expect(drain(pacer, 10_000_000, 0)).toHaveLength(Math.floor(1000 * BURST_MARGIN));
});
