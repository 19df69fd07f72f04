/** The send box: Enter sends, Shift+Enter (or IME composition) inserts a newline. */
import { Limits } from '../../../protocol/limits.js';

export interface ComposerHandlers {
  onSend(text: string): void;
  onInvalid(reason: string): void;
}

export function bindComposer(form: HTMLFormElement, textarea: HTMLTextAreaElement, handlers: ComposerHandlers): void {
  function submit(): void {
    const text = textarea.value.trim();
    if (text === '') return;
    if (text.length > Limits.MESSAGE_MAX_CHARS) {
      handlers.onInvalid(`Messages are at most ${Limits.MESSAGE_MAX_CHARS} characters (this one has ${text.length}).`);
      return;
    }
    handlers.onSend(text);
    textarea.value = '';
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
}
