/**
 * The wait between two connection attempts, as the person sees it: it counts down in whole
 * seconds, and ends early when a probe finds the server back (only while the page is visible) or
 * when someone calls `now()` (the retry-now button, the page becoming visible, the network back).
 */
import { probeDelay } from './backoff.js';

export interface RetryWaitOptions {
  delayMs: number;
  /** At the start and at each whole second: the seconds left, rounded up (never 0). */
  onTick(secondsLeft: number): void;
  /** The wait is over (its time ran out, a probe answered, or `now()`); called once, never after `cancel()`. */
  onEnd(): void;
  /** Whether the server answers again; absent when the close said the server is up (4408, 4429). */
  probe?: (() => Promise<boolean>) | undefined;
  /** Probes go out only while this says so (the page is visible). */
  visible(): boolean;
  random?: () => number;
}

export interface RetryWait {
  /** End the wait now. */
  now(): void;
  /** Drop it without calling onEnd. */
  cancel(): void;
}

export function startRetryWait(opts: RetryWaitOptions): RetryWait {
  const endsAt = Date.now() + opts.delayMs;
  let over = false;
  let tickTimer: ReturnType<typeof setTimeout> | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;

  function cancel(): void {
    over = true;
    clearTimeout(tickTimer);
    clearTimeout(probeTimer);
  }

  function end(): void {
    if (over) return;
    cancel();
    opts.onEnd();
  }

  /** Wakes at each whole second of the time left, so the number shown drops by one each time. */
  function tick(): void {
    const left = endsAt - Date.now();
    if (left <= 0) return end();
    opts.onTick(Math.ceil(left / 1000));
    tickTimer = setTimeout(tick, left % 1000 || 1000);
  }

  function probeLater(probe: () => Promise<boolean>): void {
    probeTimer = setTimeout(() => {
      if (over) return;
      if (!opts.visible()) return probeLater(probe);
      void probe()
        .catch(() => false)
        .then((up) => {
          if (over) return;
          if (up) end();
          else probeLater(probe);
        });
    }, probeDelay(opts.random));
  }

  tick();
  if (opts.probe !== undefined && !over) probeLater(opts.probe);
  return { now: end, cancel };
}
