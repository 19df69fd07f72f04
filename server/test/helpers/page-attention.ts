/**
 * Page hooks for the attention tests, installed before any page script runs: a log of every change
 * of the connection status (with the page's clock), a switch that puts the tab in the background
 * (hidden and unfocused, as the page's own code sees it), and a record of desktop notifications
 * and permission requests that keeps the real `Notification` working underneath.
 */
import type { Page } from 'playwright-core';

export interface StatusEntry {
  at: number;
  state: string;
  text: string;
}

export interface NoteRecord {
  title: string;
  body: string;
  tag: string;
}

interface Hooks {
  __status: StatusEntry[];
  __background: boolean;
  __notes: NoteRecord[];
  __noteObjects: Notification[];
  __permissionRequests: number;
}

export async function installAttentionHooks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as Hooks & typeof globalThis;
    w.__status = [];
    w.__background = false;
    w.__notes = [];
    w.__noteObjects = [];
    w.__permissionRequests = 0;

    // The status element: every change, as the person would have seen it, with when.
    document.addEventListener('DOMContentLoaded', () => {
      const status = document.getElementById('status');
      if (status === null) return;
      const log = () =>
        w.__status.push({ at: Date.now(), state: status.dataset['state'] ?? '', text: status.textContent ?? '' });
      new MutationObserver(log).observe(status, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });

    // The tab in the background: hidden and not focused, for the page's own code.
    const hasFocus = document.hasFocus.bind(document);
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (w.__background ? 'hidden' : 'visible'),
    });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => w.__background });
    document.hasFocus = () => !w.__background && hasFocus();

    // Desktop notifications: recorded, then shown by the real constructor.
    const Real = w.Notification;
    if (typeof Real !== 'function') return;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.__notes.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
        w.__noteObjects.push(this);
      }
      static override requestPermission(callback?: NotificationPermissionCallback) {
        w.__permissionRequests++;
        return Real.requestPermission(callback);
      }
    }
    w.Notification = Recorded;
  });
}

/** Puts the tab in the background (or back) and tells the page, as the browser would. */
export async function setBackground(page: Page, background: boolean, announce = true): Promise<void> {
  await page.evaluate(
    ([bg, tell]) => {
      (window as unknown as Hooks).__background = bg;
      if (tell) document.dispatchEvent(new Event('visibilitychange'));
      if (tell && !bg) window.dispatchEvent(new Event('focus'));
    },
    [background, announce] as const,
  );
}

export function statusLog(page: Page): Promise<StatusEntry[]> {
  return page.evaluate(() => (window as unknown as Hooks).__status);
}

export function notifications(page: Page): Promise<NoteRecord[]> {
  return page.evaluate(() => (window as unknown as Hooks).__notes);
}

/** Clicks the latest desktop notification, as the person would in their desktop's tray. */
export function clickLatestNotification(page: Page): Promise<void> {
  return page.evaluate(() => {
    const note = (window as unknown as Hooks).__noteObjects.at(-1);
    if (note === undefined) throw new Error('no notification to click');
    note.dispatchEvent(new Event('click'));
  });
}

export function permissionRequests(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as Hooks).__permissionRequests);
}

/** The "retrying in Ns" numbers the status showed, in order (repeats of one number collapsed). */
export function countdownValues(log: readonly StatusEntry[]): number[] {
  const values: number[] = [];
  for (const entry of log) {
    const match = /retrying in (\d+)s/.exec(entry.text);
    if (match === null) continue;
    const n = Number(match[1]);
    if (values.at(-1) !== n) values.push(n);
  }
  return values;
}

/** Whether the countdown was seen going down by one second at least once. */
export function sawCountdown(log: readonly StatusEntry[]): boolean {
  const values = countdownValues(log);
  return values.some((n, i) => i > 0 && n === values[i - 1]! - 1);
}
