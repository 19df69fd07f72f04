import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ExpiryWheel } from '../../src/core/expiry-wheel.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function wheel() {
  const expired: string[] = [];
  const w = new ExpiryWheel<string>(
    250,
    () => Date.now(),
    (item) => expired.push(`${item}@${Date.now()}`),
  );
  return { w, expired };
}

it('expires each item between its deadline and one tick after it, in deadline order', () => {
  const { w, expired } = wheel();
  w.set('b', 1_000_600);
  w.set('a', 1_000_100);
  vi.advanceTimersByTime(2000);
  expect(expired).toEqual(['a@1000250', 'b@1000750']);
  expect(w.size).toBe(0);
});

it('moves a deadline (renewal), forgets a deleted item, and expires an overdue one at the next tick', () => {
  const { w, expired } = wheel();
  w.set('renewed', 1_000_300);
  w.set('closed', 1_000_300);
  w.set('renewed', 1_005_000);
  w.delete('closed');
  w.set('overdue', 999_000);
  vi.advanceTimersByTime(1000);
  expect(expired).toEqual(['overdue@1000250']);
  vi.advanceTimersByTime(4000);
  expect(expired).toEqual(['overdue@1000250', 'renewed@1005000']);
});

it('runs no timer while empty, and survives a clock that jumps far ahead', () => {
  const { w, expired } = wheel();
  expect(vi.getTimerCount()).toBe(0);
  w.set('x', 1_000_500);
  expect(vi.getTimerCount()).toBe(1);
  w.delete('x');
  expect(vi.getTimerCount()).toBe(0);
  w.set('far', 1_000_000 + 86_400_000);
  vi.setSystemTime(1_000_000 + 2 * 86_400_000);
  vi.advanceTimersByTime(250);
  expect(expired).toHaveLength(1);
  expect(vi.getTimerCount()).toBe(0);
});
