/**
 * The send box: Enter sends, Shift+Enter (or IME composition) inserts a newline. While someone
 * types, a typing signal goes out at most every couple of seconds. It can also answer a message
 * (a quote line above it) or edit one of mine (↑ on an empty box edits my last message); Escape
 * leaves either. `@` opens the mention autocomplete.
 */
import type { FileRef } from '../../../protocol/files.js';
import type { Message, User } from '../../../protocol/frames.js';
import { replyExcerpt } from '../../../protocol/excerpt.js';
import { isWellFormed, messageTextProblem, type MessageTextLimits } from '../../../protocol/message-text.js';
import { byId } from './dom.js';
import { bindMentionComplete } from './mention-complete.js';

export interface ComposerHandlers {
  /** A new message; with `files` (my uploads) its text may be empty. */
  onSend: (text: string, replyTo: Message | undefined, files: readonly FileRef[]) => void;
  onEdit: (message: Message, text: string) => void;
  /** The text breaks a rule the server would refuse it for: it stays in the box, unsent. */
  onInvalid: (reason: string) => void;
  /** The limits the server applies (what it said in `ready`), checked before anything is sent. */
  limits: () => MessageTextLimits;
  /** Tells the room I am typing; false if it could not go out (then the next keystroke tries). */
  onTyping: () => boolean;
  /** My newest message that can still be edited, for ↑ on an empty box. */
  lastMine: () => Message | undefined;
  /** People that `@` may complete to. */
  mentionable: () => readonly User[];
  /** The files waiting in the composer (attachments.ts); none when absent. */
  files?: { busy(): boolean; ready(): readonly FileRef[]; take(): FileRef[] };
}

export interface Composer {
  reply(message: Message): void;
  edit(message: Message): void;
  /** Back to a plain new message (the room changed, or the message went away). */
  reset(keepText?: boolean): void;
  /** What the box is doing to which message, if anything. */
  readonly target: { mode: 'reply' | 'edit'; message: Message } | null;
  focus(): void;
}

const TYPING_EVERY_MS = 2000;

export function bindComposer(
  form: HTMLFormElement,
  textarea: HTMLTextAreaElement,
  handlers: ComposerHandlers,
): Composer {
  const context = byId('compose-context', HTMLElement);
  const contextText = byId('compose-context-text', HTMLElement);
  const sendBtn = byId('send-btn', HTMLButtonElement);
  const mentions = bindMentionComplete(textarea, byId('mention-list', HTMLUListElement), handlers.mentionable);
  let lastTyping = 0;
  let target: { mode: 'reply' | 'edit'; message: Message } | null = null;
  /** What was in the box before an edit filled it, put back when the edit ends. */
  let draft = '';

  function setTarget(next: typeof target): void {
    target = next;
    context.hidden = next === null;
    context.dataset['mode'] = next?.mode ?? '';
    sendBtn.textContent = next?.mode === 'edit' ? 'Save' : 'Send';
    if (next === null) {
      contextText.textContent = '';
      return;
    }
    const who = next.message.user.username;
    contextText.textContent =
      next.mode === 'edit'
        ? 'editing your message — Enter saves, Escape cancels'
        : `replying to ${who}: ${replyExcerpt(next.message.text).slice(0, 80)}`;
  }

  function reset(keepText = false): void {
    const wasEdit = target?.mode === 'edit';
    setTarget(null);
    mentions.close();
    if (wasEdit && !keepText) {
      textarea.value = draft;
      draft = '';
    }
  }

  function submit(): void {
    const text = textarea.value.trim();
    const current = target;
    const files = current?.mode === 'edit' ? undefined : handlers.files;
    if (files?.busy() === true) {
      handlers.onInvalid('Your files are still uploading: send once they are ready (or cancel them).');
      return;
    }
    const attached = files?.ready().length ?? 0;
    if (text === '' && attached === 0) return;
    const invalid = text === '' ? null : whyRefused(text, handlers.limits());
    if (invalid !== null) {
      handlers.onInvalid(invalid);
      return;
    }
    if (current?.mode === 'edit') {
      if (text !== current.message.text) handlers.onEdit(current.message, text);
      textarea.value = '';
      reset(true);
      textarea.value = draft;
      draft = '';
    } else {
      handlers.onSend(text, current?.mode === 'reply' ? current.message : undefined, files?.take() ?? []);
      textarea.value = '';
      reset(true);
    }
    lastTyping = 0;
    textarea.focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  byId('compose-cancel', HTMLButtonElement).addEventListener('click', () => {
    reset();
    textarea.focus();
  });
  textarea.addEventListener('keydown', (ev) => {
    if (ev.isComposing || mentions.keydown(ev)) return;
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      submit();
    } else if (ev.key === 'Escape' && target !== null) {
      ev.preventDefault();
      reset();
    } else if (ev.key === 'ArrowUp' && textarea.value === '' && target === null) {
      const mine = handlers.lastMine();
      if (mine === undefined) return;
      ev.preventDefault();
      composer.edit(mine);
    }
  });
  textarea.addEventListener('input', () => {
    mentions.refresh();
    const now = Date.now();
    if (textarea.value.trim() === '' || now - lastTyping < TYPING_EVERY_MS) return;
    if (handlers.onTyping()) lastTyping = now;
  });
  textarea.addEventListener('click', () => mentions.refresh());
  textarea.addEventListener('blur', () => mentions.close());

  const composer: Composer = {
    reply(message) {
      if (target?.mode === 'edit') reset();
      setTarget({ mode: 'reply', message });
      textarea.focus();
    },
    edit(message) {
      if (target?.mode !== 'edit') draft = textarea.value;
      setTarget({ mode: 'edit', message });
      textarea.value = message.text;
      textarea.focus();
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    },
    reset,
    get target() {
      return target;
    },
    focus: () => textarea.focus(),
  };
  return composer;
}

/** Why the server would refuse this text, in words for the person; null if it would take it. */
export function whyRefused(text: string, limits: MessageTextLimits): string | null {
  if (!isWellFormed(text)) return 'This message has a character that cannot be sent (half of an emoji, or NUL).';
  const problem = messageTextProblem(text, limits);
  switch (problem?.rule) {
    case undefined:
      return null;
    case 'empty':
      return 'Write something first.';
    case 'too-many-chars':
      return `Messages are at most ${problem.limit} characters (this one has ${problem.chars}).`;
    case 'too-many-bytes':
      return `Messages are at most ${problem.limit} bytes as sent (this one has ${problem.bytes}; emoji and symbols count several).`;
  }
}
