/**
 * The send box: Enter sends, Shift+Enter (or IME composition) inserts a newline. While someone
 * types, a typing signal goes out at most every couple of seconds.
 */
import { Limits } from '../../../protocol/limits.js';

export interface ComposerHandlers {
  onSend(text: string): void;
  onInvalid(reason: string): void;
  /** Tells the room I am typing; false if it could not go out (then the next keystroke tries). */
  onTyping(): boolean;
}

const TYPING_EVERY_MS = 2000;

export function bindComposer(form: HTMLFormElement, textarea: HTMLTextAreaElement, handlers: ComposerHandlers): void {
  let lastTyping = 0;

  function submit(): void {
    const text = textarea.value.trim();
    if (text === '') return;
    if (text.length > Limits.MESSAGE_MAX_CHARS) {
      handlers.onInvalid(`Messages are at most ${Limits.MESSAGE_MAX_CHARS} characters (this one has ${text.length}).`);
      return;
    }
    handlers.onSend(text);
    textarea.value = '';
    lastTyping = 0;
    textarea.focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  textarea.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  textarea.addEventListener('input', () => {
    const now = Date.now();
    if (textarea.value.trim() === '' || now - lastTyping < TYPING_EVERY_MS) return;
    if (handlers.onTyping()) lastTyping = now;
  });
}
