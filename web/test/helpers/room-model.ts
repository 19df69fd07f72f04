/**
 * A small model of one room on the server, for reducer tests: one seq for every change, messages
 * kept in their current state, and the three answers a client gets — a fresh `joined`, a `joined`
 * with `after` (messages in their current state plus every other event, in seq order) and the live
 * frames. It follows the store's rules: a deletion erases the text, the mentions and the reactions;
 * a replayed edit carries the message's text as it is now; reactions are listed in the order they
 * first came.
 */
import type { Message, User } from '../../../protocol/frames.js';
import type { RoomEvent } from '../../../protocol/events.js';
import { replyExcerpt } from '../../../protocol/excerpt.js';

export type Live = { type: 'message'; message: Message } | { type: 'event'; event: RoomEvent };

interface Stored {
  id: string;
  seq: number;
  user: User;
  text: string;
  createdAt: string;
  editedAt?: string;
  deletedAt?: string;
  replyTo?: string;
  mentions: string[];
  /** emoji → user ids, in the order the emoji first came. */
  reactions: Map<string, string[]>;
}

export class RoomModel {
  seq = 0;
  private clock = 0;
  private readonly messages: Stored[] = [];
  /** Every change, as the live frame that announced it. */
  readonly log: Live[] = [];

  constructor(readonly room = 'general') {}

  private at(): string {
    return new Date(Date.UTC(2025, 0, 1) + ++this.clock * 1000).toISOString();
  }

  private find(id: string): Stored {
    const m = this.messages.find((x) => x.id === id);
    if (!m) throw new Error(`no message ${id}`);
    return m;
  }

  get ids(): string[] {
    return this.messages.map((m) => m.id);
  }

  live(id: string): boolean {
    return this.find(id).deletedAt === undefined;
  }

  send(user: User, text: string, options: { replyTo?: string; mentions?: string[] } = {}): Live {
    const seq = ++this.seq;
    const stored: Stored = {
      id: `m${seq}`,
      seq,
      user,
      text,
      createdAt: this.at(),
      mentions: options.mentions ?? [],
      reactions: new Map(),
    };
    if (options.replyTo !== undefined) stored.replyTo = options.replyTo;
    this.messages.push(stored);
    const frame: Live = { type: 'message', message: this.wire(stored) };
    this.log.push(frame);
    return frame;
  }

  edit(actor: User, id: string, text: string, mentions: string[] = []): Live {
    const m = this.find(id);
    m.text = text;
    m.editedAt = this.at();
    m.mentions = mentions;
    return this.event({
      kind: 'edit',
      messageId: id,
      text,
      editedAt: m.editedAt,
      mentions,
      ...this.base(actor),
    });
  }

  delete(actor: User, id: string): Live {
    const m = this.find(id);
    const base = this.base(actor);
    m.text = '';
    m.deletedAt = base.at;
    m.mentions = [];
    m.reactions.clear();
    return this.event({ kind: 'delete', messageId: id, byModerator: actor.id !== m.user.id, ...base });
  }

  react(actor: User, id: string, emoji: string, remove = false): Live | undefined {
    const m = this.find(id);
    const users = m.reactions.get(emoji) ?? [];
    if (remove ? !users.includes(actor.id) : users.includes(actor.id)) return undefined; // unchanged: no event
    const next = remove ? users.filter((u) => u !== actor.id) : [...users, actor.id];
    if (next.length === 0) m.reactions.delete(emoji);
    else m.reactions.set(emoji, next);
    return this.event({
      kind: remove ? 'reaction_remove' : 'reaction_add',
      messageId: id,
      emoji,
      count: next.length,
      ...this.base(actor),
    });
  }

  memberJoin(user: User): Live {
    return this.event({ kind: 'member_join', user, ...this.base(user) });
  }

  private base(actor: User) {
    return { room: this.room, seq: ++this.seq, at: this.at(), actor };
  }

  private event(event: RoomEvent): Live {
    const frame: Live = { type: 'event', event };
    this.log.push(frame);
    return frame;
  }

  /** A message as it is now; `viewer` adds reactions (as replies to one client carry them). */
  private wire(m: Stored, viewer?: User): Message {
    const out: Message = { id: m.id, room: this.room, seq: m.seq, user: m.user, text: m.text, createdAt: m.createdAt };
    if (m.editedAt) out.editedAt = m.editedAt;
    if (m.deletedAt) out.deletedAt = m.deletedAt;
    if (m.replyTo !== undefined) {
      const q = this.find(m.replyTo);
      out.replyTo = {
        id: q.id,
        seq: q.seq,
        user: q.user,
        excerpt: q.deletedAt ? '' : replyExcerpt(q.text),
        deleted: q.deletedAt !== undefined,
      };
    }
    if (m.mentions.length > 0) out.mentions = [...m.mentions];
    if (viewer) {
      out.reactions = [...m.reactions].map(([emoji, users]) => ({
        emoji,
        count: users.length,
        mine: users.includes(viewer.id),
      }));
    }
    return out;
  }

  /** `joined` without `after`: the newest `backlog` messages in their current state. */
  freshJoin(viewer: User, backlog = 100) {
    return {
      type: 'joined' as const,
      room: this.room,
      messages: this.messages.slice(-backlog).map((m) => this.wire(m, viewer)),
      complete: true,
      online: [viewer],
      onlineCount: 1,
      events: [] as RoomEvent[],
      lastSeq: this.seq,
      lastReadSeq: 0,
    };
  }

  /** `joined` with `after`: messages after it in their current state, and every other event after it. */
  joinAfter(viewer: User, after: number) {
    return {
      type: 'joined' as const,
      room: this.room,
      messages: this.messages.filter((m) => m.seq > after).map((m) => this.wire(m, viewer)),
      complete: true,
      online: [viewer],
      onlineCount: 1,
      events: this.log.flatMap((f) => (f.type === 'event' && f.event.seq > after ? [this.replayed(f.event)] : [])),
      lastSeq: this.seq,
      lastReadSeq: 0,
    };
  }

  /** An edit as a replay shows it: the message's text now (a later edit's, or none once deleted). */
  private replayed(event: RoomEvent): RoomEvent {
    if (event.kind !== 'edit') return event;
    const m = this.find(event.messageId);
    return { ...event, text: m.text, editedAt: m.editedAt ?? event.editedAt, mentions: [...m.mentions] };
  }

  /** A history page (HTTP): messages before `before`, current state, for `viewer`. */
  page(viewer: User, before: number, limit: number) {
    const older = this.messages.filter((m) => m.seq < before);
    return {
      messages: older.slice(-limit).map((m) => this.wire(m, viewer)),
      hasMore: older.length > limit,
    };
  }
}

/** A deterministic pseudo-random source (mulberry32), so a failing run can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
