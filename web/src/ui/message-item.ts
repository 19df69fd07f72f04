/**
 * One message on screen: the quote it answers, time and author, the sanitized Markdown body (or a
 * tombstone once deleted, saying when a moderator removed it), its reactions as toggles, and a small
 * toolbar (reply, react, and edit or delete on my own; delete on anyone's where I moderate). Every piece of server text goes in through textContent or the Markdown
 * renderer; colours go through CSSOM.
 */
import type { Message, User } from '../../../protocol/frames.js';
import { setMarkdown } from '../render.js';
import type { PendingMessage } from '../state.js';
import type { HeldMessage } from '../state/messages.js';
import { el, formatDateTime, formatTime } from './dom.js';
import { pendingFiles, type FileBlock } from './files/file-view.js';
import { highlightMentions } from './mentions.js';
import { paintUser } from './user-color.js';
import { replyExcerpt } from '../../../protocol/excerpt.js';

export interface MessageActions {
  onRetry: (clientMsgId: string) => void;
  onReply: (message: Message) => void;
  onEdit: (message: Message) => void;
  onDelete: (message: Message) => void;
  /** Opens the emoji picker for a message, next to the button that asked. */
  onPickReaction: (message: Message, from: HTMLElement) => void;
  onToggleReaction: (message: Message, emoji: string, mine: boolean) => void;
  /** Show the message a reply answers (`seq` tells how far back it is). */
  onQuote: (messageId: string, seq: number) => void;
  onUser: (user: User) => void;
  /** Draws a message's files (previews and cards). */
  fileBlock?: FileBlock;
}

/** `moderator`: I may delete anyone's message in this room. */
export function storedItem(m: HeldMessage, me: User | null, actions: MessageActions, moderator = false): HTMLLIElement {
  const li = el('li', 'message');
  li.dataset['id'] = m.id;
  li.dataset['seq'] = String(m.seq);
  li.tabIndex = -1;
  const mine = me !== null && m.user.id === me.id;
  const deleted = m.deletedAt !== undefined;
  if (mine) li.classList.add('mine');
  if (deleted) li.classList.add('deleted');
  if (!mine && me !== null && m.mentions?.includes(me.id)) li.classList.add('mentions-me');
  if (m.replyTo) li.append(quote(m.replyTo, actions));

  const head = meta(m.createdAt, m.user, actions);
  if (m.editedAt !== undefined && !deleted) {
    const edited = el('span', 'edited dim', '(edited)');
    edited.title = `edited ${formatDateTime(m.editedAt)}`;
    head.append(edited);
  }
  if (mine) {
    const sent = el('span', 'send-state sent', '✓');
    sent.title = 'sent';
    sent.setAttribute('aria-label', 'sent');
    head.append(sent);
  }
  const tombstone = m.removedByModerator === true ? 'removed by a moderator' : 'message deleted';
  const text = deleted ? el('div', 'body tombstone dim', tombstone) : body(m.text, me);
  li.append(head, text);
  if (!deleted && m.files !== undefined && m.files.length > 0 && actions.fileBlock)
    li.append(actions.fileBlock(m.files));
  if (!deleted) {
    const reactions = reactionBar(m, actions);
    if (reactions) li.append(reactions);
    li.append(toolbar(m, mine, moderator, actions));
  }
  return li;
}

export function outgoingItem(
  p: PendingMessage,
  me: User | null,
  online: boolean,
  quoted: Message | undefined,
  onRetry: (clientMsgId: string) => void,
): HTMLLIElement {
  const li = el('li', `outgoing ${p.status}`);
  li.dataset['clientMsgId'] = p.clientMsgId;
  li.dataset['state'] = p.status;
  if (quoted) li.append(quoteLine(quoted.user, quoted.text, quoted.deletedAt !== undefined));
  const label = p.status === 'failed' ? 'failed' : online ? 'sending…' : 'queued — offline';
  const state = el('span', 'send-state', label);
  if (p.error) state.title = p.error;
  const head = meta(p.createdAt, me, null);
  head.append(state);
  if (p.status === 'failed') {
    const retry = el('button', 'link retry', 'retry');
    retry.type = 'button';
    retry.setAttribute('aria-label', `retry sending: ${p.text.slice(0, 40)}`);
    retry.addEventListener('click', () => onRetry(p.clientMsgId));
    head.append(retry);
  }
  li.append(head, body(p.text, me));
  if (p.files !== undefined && p.files.length > 0) li.append(pendingFiles(p.files));
  return li;
}

function meta(createdAt: string, user: User | null, actions: MessageActions | null): HTMLDivElement {
  const head = el('div', 'meta');
  const time = el('time', 'time', formatTime(createdAt));
  time.dateTime = createdAt;
  time.title = formatDateTime(createdAt);
  head.append(time);
  if (user !== null && actions !== null) {
    const author = el('button', 'author', user.username);
    author.type = 'button';
    author.tabIndex = -1;
    author.title = `${user.username}: profile`;
    author.addEventListener('click', () => actions.onUser(user));
    paintUser(author, user.color);
    head.append(author);
  } else {
    const author = el('span', 'author', user?.username ?? 'me');
    if (user) paintUser(author, user.color);
    head.append(author);
  }
  return head;
}

function body(text: string, me: User | null): HTMLDivElement {
  const div = el('div', 'body');
  setMarkdown(div, text);
  highlightMentions(div, me?.username);
  return div;
}

function quote(q: NonNullable<Message['replyTo']>, actions: MessageActions): HTMLButtonElement {
  const button = el('button', 'quote');
  button.type = 'button';
  button.tabIndex = -1;
  button.dataset['quoteId'] = q.id;
  button.append(...quoteParts(q.user, q.excerpt, q.deleted));
  button.setAttribute(
    'aria-label',
    `in reply to ${q.user.username}: ${q.deleted ? 'a deleted message' : q.excerpt}. Show it.`,
  );
  button.addEventListener('click', () => actions.onQuote(q.id, q.seq));
  return button;
}

function quoteLine(user: User, text: string, deleted: boolean): HTMLDivElement {
  const div = el('div', 'quote');
  div.append(...quoteParts(user, replyExcerpt(text), deleted));
  return div;
}

/** A quote reads as words, without the Markdown marks that would only show as symbols on one line. */
export function plainExcerpt(excerpt: string): string {
  return excerpt
    .replace(/```[\w+-]*/g, ' ')
    .replace(/`|\*\*|__|~~|\$\$/g, '')
    .replace(/^\s*(?:>|#{1,6})\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function quoteParts(user: User, excerpt: string, deleted: boolean): Node[] {
  const who = el('span', 'quote-author', user.username);
  paintUser(who, user.color);
  const what = el(
    'span',
    deleted ? 'quote-text dim' : 'quote-text',
    deleted ? 'message deleted' : plainExcerpt(excerpt),
  );
  return [el('span', 'quote-mark dim', '↳ '), who, document.createTextNode(' '), what];
}

function reactionBar(m: Message, actions: MessageActions): HTMLDivElement | null {
  const reactions = m.reactions ?? [];
  if (reactions.length === 0) return null;
  const bar = el('div', 'reactions');
  for (const r of reactions) {
    const button = el('button', r.mine ? 'reaction mine' : 'reaction');
    button.type = 'button';
    button.tabIndex = -1;
    button.dataset['emoji'] = r.emoji;
    button.setAttribute('aria-pressed', String(r.mine));
    button.setAttribute('aria-label', `${r.emoji} ${r.count}${r.mine ? ', including you' : ''}`);
    button.append(el('span', 'emoji', r.emoji), el('span', 'count', String(r.count)));
    button.addEventListener('click', () => actions.onToggleReaction(m, r.emoji, r.mine));
    bar.append(button);
  }
  return bar;
}

function toolbar(m: Message, mine: boolean, moderator: boolean, actions: MessageActions): HTMLDivElement {
  const bar = el('div', 'msg-actions');
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'message actions');
  const add = (name: string, label: string, key: string, run: (button: HTMLButtonElement) => void): void => {
    const button = el('button', `secondary small act-${name}`, label);
    button.type = 'button';
    button.tabIndex = -1;
    button.setAttribute('aria-keyshortcuts', key);
    button.title = `${name} (${key})`;
    button.addEventListener('click', () => run(button));
    bar.append(button);
  };
  add('reply', 'reply', 'R', () => actions.onReply(m));
  add('react', 'react', '+', (button) => actions.onPickReaction(m, button));
  if (mine) add('edit', 'edit', 'E', () => actions.onEdit(m));
  if (mine || moderator) add('delete', 'delete', 'Delete', () => actions.onDelete(m));
  return bar;
}
