/** The delay policy: ordinary backoff for attempts, short jittered probes while a page is visible. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, probeDelay, PROBE_MAX_MS, PROBE_MIN_MS } from '../src/backoff.js';

describe('the delay policy', () => {
  it('backoff grows with equal jitter up to its cap', () => {
    expect(backoffDelay(0, undefined, () => 0)).toBe(250);
    expect(backoffDelay(0, undefined, () => 1)).toBe(500);
    expect(backoffDelay(4, undefined, () => 1)).toBe(8_000);
    expect(backoffDelay(20, undefined, () => 0)).toBe(15_000);
    expect(backoffDelay(20, undefined, () => 1)).toBe(30_000);
  });

  it('a visible page probes at most 0.8 s apart and at least 0.4 s apart, whatever the jitter', () => {
    for (const r of [0, 0.001, 0.25, 0.5, 0.999, 1]) {
      const gap = probeDelay(() => r);
      expect(gap).toBeGreaterThanOrEqual(PROBE_MIN_MS);
      expect(gap).toBeLessThanOrEqual(PROBE_MAX_MS);
    }
    // Room left within the second for the probe's answer and the handshake.
    expect(PROBE_MAX_MS).toBeLessThanOrEqual(800);
    expect(PROBE_MIN_MS).toBeGreaterThanOrEqual(400); // not a hammer: at most 2.5 requests a second
  });
});
