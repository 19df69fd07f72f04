/**
 * A small reaction picker: a handful of common emoji, then the ones already on the message (each a
 * toggle, pressed when I reacted with it). It opens next to the button that asked, takes focus,
 * moves with the arrow keys, closes on Escape, a pick or a click elsewhere, and gives focus back.
 */
import type { Message } from '../../../protocol/frames.js';
import { isReactionEmoji } from '../../../protocol/emoji.js';
import { byId, el } from './dom.js';

export const COMMON_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀', '✅', '🔥'] as const;

export interface EmojiPicker {
  open(message: Message, from: HTMLElement, onPick: (emoji: string, mine: boolean) => void): void;
  close(): void;
}

export function createEmojiPicker(): EmojiPicker {
  const box = byId('emoji-picker', HTMLElement);
  const grid = byId('emoji-grid', HTMLElement);
  let returnTo: HTMLElement | null = null;

  function close(restore = true): void {
    if (box.hidden) return;
    box.hidden = true;
    grid.replaceChildren();
    if (restore && returnTo?.isConnected) returnTo.focus();
    returnTo = null;
  }

  box.addEventListener('keydown', (ev) => {
    const buttons = [...grid.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number): void => {
      ev.preventDefault();
      buttons[(to + buttons.length) % buttons.length]?.focus();
    };
    if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') move(at + 1);
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') move(at - 1);
    else if (ev.key === 'Home') move(0);
    else if (ev.key === 'End') move(buttons.length - 1);
    else if (ev.key === 'Tab') close(false);
  });
  document.addEventListener('pointerdown', (ev) => {
    if (!box.hidden && !box.contains(ev.target as Node) && ev.target !== returnTo) close(false);
  });

  return {
    open(message, from, onPick) {
      close(false);
      returnTo = from;
      const mine = new Map((message.reactions ?? []).map((r) => [r.emoji, r.mine]));
      const offered = [...new Set([...COMMON_EMOJI, ...mine.keys()])].filter(isReactionEmoji);
      grid.replaceChildren(
        ...offered.map((emoji) => {
          const pressed = mine.get(emoji) ?? false;
          const button = el('button', pressed ? 'emoji-choice mine' : 'emoji-choice', emoji);
          button.type = 'button';
          button.dataset['emoji'] = emoji;
          button.setAttribute('aria-pressed', String(pressed));
          button.setAttribute('aria-label', pressed ? `remove my ${emoji}` : `react with ${emoji}`);
          button.addEventListener('click', () => {
            close();
            onPick(emoji, pressed);
          });
          return button;
        }),
      );
      box.hidden = false;
      // Next to the button, kept inside the window (CSSOM, never a style attribute).
      const at = from.getBoundingClientRect();
      const width = box.offsetWidth;
      const height = box.offsetHeight;
      const left = Math.max(4, Math.min(window.innerWidth - width - 4, at.right - width));
      const top =
        at.top - height - 4 >= 4 ? at.top - height - 4 : Math.min(window.innerHeight - height - 4, at.bottom + 4);
      box.style.left = `${left}px`;
      box.style.top = `${top}px`;
      grid.querySelector('button')?.focus();
    },
    close: () => close(false),
  };
}
