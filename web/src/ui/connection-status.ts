/**
 * The connection status in the top bar and its "retry now" button. `#status` is a polite live
 * region: what changes in words ("connection lost — retrying") is announced once, while the
 * seconds counting down sit in an `aria-hidden` part, so a screen reader is not read a number
 * every second. The button shows only while a retry is waiting.
 */
import type { ConnState } from '../connection.js';
import { byId } from './dom.js';

export type SetStatus = (state: ConnState, detail: string, retryIn?: number) => void;

export function createConnectionStatus(onRetryNow: () => void): SetStatus {
  const status = byId('status', HTMLElement);
  const text = byId('status-text', HTMLElement);
  const countdown = byId('status-countdown', HTMLElement);
  const retry = byId('retry-now', HTMLButtonElement);
  retry.addEventListener('click', () => onRetryNow());

  return (state, detail, retryIn) => {
    status.dataset['state'] = state;
    if (text.textContent !== detail) text.textContent = detail;
    countdown.textContent = retryIn === undefined ? '' : ` in ${retryIn}s`;
    const waiting = state === 'offline' && retryIn !== undefined;
    if (!waiting && document.activeElement === retry) {
      // The button goes away under the keyboard: leave focus somewhere useful, not on <body>.
      document.getElementById('composer')?.focus();
    }
    retry.hidden = !waiting;
  };
}
