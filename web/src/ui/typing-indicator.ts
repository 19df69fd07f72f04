/** "ann is typing…": each typist shown for a few seconds after their last typing event. */
import type { User } from '../../../protocol/frames.js';

const SHOW_MS = 3000;

export interface TypingIndicator {
  saw(user: User): void;
  /** Their message arrived: they are done typing. */
  done(userId: string): void;
  clear(): void;
}

export function createTypingIndicator(line: HTMLElement): TypingIndicator {
  const typists = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();

  function render(): void {
    const names = [...typists.values()].map((t) => t.name);
    line.textContent =
      names.length === 0
        ? ''
        : names.length === 1
          ? `${names[0]} is typing…`
          : names.length <= 3
            ? `${names.join(', ')} are typing…`
            : 'several people are typing…';
  }

  function done(userId: string): void {
    const t = typists.get(userId);
    if (t === undefined) return;
    clearTimeout(t.timer);
    typists.delete(userId);
    render();
  }

  return {
    saw(user) {
      clearTimeout(typists.get(user.id)?.timer);
      typists.set(user.id, { name: user.username, timer: setTimeout(() => done(user.id), SHOW_MS) });
      render();
    },
    done,
    clear() {
      for (const t of typists.values()) clearTimeout(t.timer);
      typists.clear();
      render();
    },
  };
}
