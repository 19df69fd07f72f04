/**
 * Which messages of a room raise a desktop notification: all, mentions of me, or none. Chosen per
 * room, remembered per user in localStorage (room names and levels only, nothing secret), with
 * defaults a person would pick: every message of a direct conversation, mentions in a room.
 */
import type { Room } from '../../../protocol/frames.js';

export const NOTIFY_LEVELS = ['all', 'mentions', 'none'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];

const KEY_PREFIX = 'parley.notify.v1.';

export function isNotifyLevel(value: unknown): value is NotifyLevel {
  return typeof value === 'string' && (NOTIFY_LEVELS as readonly string[]).includes(value);
}

export function defaultLevel(kind: Room['kind'] | undefined): NotifyLevel {
  return kind === 'dm' ? 'all' : 'mentions';
}

export interface NotifySettings {
  level(room: string, kind: Room['kind'] | undefined): NotifyLevel;
  set(room: string, level: NotifyLevel): void;
}

/** `storage` is localStorage in the page; whatever it holds that is not a level is ignored. */
export function createNotifySettings(userId: string, storage: Storage | null = safeLocalStorage()): NotifySettings {
  const key = KEY_PREFIX + userId;
  const chosen = new Map<string, NotifyLevel>();
  try {
    const saved: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
    if (typeof saved === 'object' && saved !== null) {
      for (const [room, level] of Object.entries(saved)) if (isNotifyLevel(level)) chosen.set(room, level);
    }
  } catch {
    // Unreadable: start from the defaults.
  }
  return {
    level: (room, kind) => chosen.get(room) ?? defaultLevel(kind),
    set(room, level) {
      chosen.set(room, level);
      try {
        storage?.setItem(key, JSON.stringify(Object.fromEntries(chosen)));
      } catch {
        // Storage full or refused: the choice holds for this page.
      }
    },
  };
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled for this site
  }
}
