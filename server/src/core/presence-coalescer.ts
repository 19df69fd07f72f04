import type { PresenceFrame, User } from '../../../protocol/index.js';
import type { z } from 'zod';

type PresenceFrameT = z.infer<typeof PresenceFrame>;

interface Pending {
  joined: Map<string, User>;
  left: Map<string, User>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Collects presence changes per room over a short window and emits one diff, so a thousand arrivals
 * cost a handful of frames rather than a million list entries. Within a window the last change of a
 * user wins. Changes never cancel out: someone who joined the room mid-window may not have seen the
 * earlier state, and a repeated "joined" or "left" is harmless to a client that keeps a set.
 */
export class PresenceCoalescer {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly windowMs: number,
    private readonly emit: (frame: PresenceFrameT) => void,
  ) {}

  joined(room: string, user: User): void {
    const entry = this.entry(room);
    entry.left.delete(user.id);
    entry.joined.set(user.id, user);
  }

  left(room: string, user: User): void {
    const entry = this.entry(room);
    entry.joined.delete(user.id);
    entry.left.set(user.id, user);
  }

  /** Emits everything pending now (used at shutdown and by tests). */
  flushAll(): void {
    for (const room of [...this.pending.keys()]) this.flush(room);
  }

  private entry(room: string): Pending {
    let entry = this.pending.get(room);
    if (!entry) {
      const timer = setTimeout(() => this.flush(room), this.windowMs);
      timer.unref?.();
      entry = { joined: new Map(), left: new Map(), timer };
      this.pending.set(room, entry);
    }
    return entry;
  }

  private flush(room: string): void {
    const entry = this.pending.get(room);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(room);
    if (entry.joined.size === 0 && entry.left.size === 0) return;
    this.emit({ type: 'presence', room, joined: [...entry.joined.values()], left: [...entry.left.values()] });
  }
}
