import { replyExcerpt, type Message, type RoomEvent, type ServerFrame } from '../../../protocol/index.js';

type Joined = Extract<ServerFrame, { type: 'joined' }>;

/**
 * What a client holds of one room, kept the way protocol.md says to apply frames: messages by id in
 * their current state, the topic, and the watermark (the last seq applied). Tests compare a state built
 * from a resume with one loaded fresh (Zulip's verify_action idea): an event the server forgot to send
 * or replay shows up as a difference.
 */
export class RoomState {
  readonly messages = new Map<string, Message>();
  topic = '';
  readOnly = false;
  slowModeSeconds = 0;
  /** Until when I am muted here, while a mute of mine stands. */
  mutedUntil: string | undefined;
  lastSeq = 0;

  constructor(private readonly me: string) {}

  /** A `joined` answer: its messages and events, applied together in seq order. */
  applyJoined(joined: Joined): void {
    const items: { seq: number; apply: () => void }[] = [
      ...joined.messages.map((message) => ({ seq: message.seq, apply: () => this.applyMessage(message) })),
      ...(joined.events ?? []).map((event) => ({ seq: event.seq, apply: () => this.applyEvent(event) })),
    ];
    for (const item of items.sort((a, b) => a.seq - b.seq)) item.apply();
    this.lastSeq = Math.max(this.lastSeq, joined.lastSeq ?? 0);
  }

  /** A live frame of this room; other frames are ignored. */
  applyFrame(frame: ServerFrame): void {
    if (frame.type === 'message' || frame.type === 'ack') this.applyMessage(frame.message);
    else if (frame.type === 'event') this.applyEvent(frame.event);
  }

  applyMessage(message: Message): void {
    this.messages.set(message.id, message);
    this.lastSeq = Math.max(this.lastSeq, message.seq);
  }

  applyEvent(event: RoomEvent): void {
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.kind === 'room_change') {
      if (event.topic !== undefined) this.topic = event.topic;
      if (event.readOnly !== undefined) this.readOnly = event.readOnly;
      if (event.slowModeSeconds !== undefined) this.slowModeSeconds = event.slowModeSeconds;
      return;
    }
    if (event.kind === 'member_mute' && event.user.id === this.me) this.mutedUntil = event.until;
    if (event.kind === 'member_unmute' && event.user.id === this.me) this.mutedUntil = undefined;
    if (!('messageId' in event)) return;
    const message = this.messages.get(event.messageId);
    if (!message) return;
    switch (event.kind) {
      case 'edit': {
        const { mentions: _old, ...rest } = message;
        this.messages.set(message.id, {
          ...rest,
          text: event.text,
          editedAt: event.editedAt,
          ...(event.mentions.length > 0 ? { mentions: event.mentions } : {}),
        });
        this.requote(message.id, (quote) => ({ ...quote, excerpt: replyExcerpt(event.text) }));
        return;
      }
      case 'delete': {
        const { mentions: _m, reactions: _r, ...rest } = message;
        this.messages.set(message.id, { ...rest, text: '', deletedAt: event.at });
        this.requote(message.id, (quote) => ({ ...quote, excerpt: '', deleted: true }));
        return;
      }
      case 'reaction_add':
      case 'reaction_remove': {
        const others = (message.reactions ?? []).filter((r) => r.emoji !== event.emoji);
        const before = message.reactions?.find((r) => r.emoji === event.emoji);
        const mine = event.actor.id === this.me ? event.kind === 'reaction_add' : (before?.mine ?? false);
        const reactions = event.count > 0 ? [...others, { emoji: event.emoji, count: event.count, mine }] : others;
        const { reactions: _r, ...rest } = message;
        this.messages.set(message.id, reactions.length > 0 ? { ...rest, reactions } : rest);
        return;
      }
    }
  }

  /** Messages by seq, reactions by emoji: what a screen would show. */
  snapshot(): Message[] {
    return [...this.messages.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((m) =>
        m.reactions ? { ...m, reactions: [...m.reactions].sort((a, b) => (a.emoji < b.emoji ? -1 : 1)) } : m,
      );
  }

  private requote(
    id: string,
    change: (quote: NonNullable<Message['replyTo']>) => NonNullable<Message['replyTo']>,
  ): void {
    for (const message of this.messages.values()) {
      if (message.replyTo?.id === id) this.messages.set(message.id, { ...message, replyTo: change(message.replyTo) });
    }
  }
}
