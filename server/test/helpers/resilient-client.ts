import type { Message } from '../../../protocol/index.js';
import type { Session } from './http.js';
import { connect, type TestClient } from './ws-client.js';

/** How long a send waits for its ack or refusal: a ceiling for one that never comes. */
const ACK_CEILING_MS = 30_000;

/**
 * What a good client does, reduced to its logic, for fault tests: it keeps every message it has
 * seen by id, resends unacknowledged sends with their clientMsgId after a reconnect, and rejoins
 * with `after` = its last contiguous seq so the server replays what it missed.
 */
export class ResilientClient {
  readonly held = new Map<string, Message>();
  readonly acked = new Map<string, Message>();
  private readonly pending = new Map<string, string>();
  private client: TestClient | undefined;

  constructor(
    private readonly session: Session,
    private wsUrl: string,
  ) {}

  async open(wsUrl = this.wsUrl): Promise<void> {
    this.wsUrl = wsUrl;
    this.client = await connect(wsUrl, this.session);
    this.client.ws.on('message', (data: Buffer) => this.absorb(JSON.parse(data.toString('utf8')) as { type: string }));
    const joined = await this.client.join('general', this.lastContiguousSeq() || undefined);
    for (const message of joined.messages) this.held.set(message.id, message);
    for (const [clientMsgId, text] of this.pending)
      this.client.send({ type: 'send', room: 'general', text, clientMsgId });
  }

  /**
   * Sends; resolves true when acked, false when the socket went away or the server refused. A
   * frame that never comes counts as false after the ceiling, which a busy machine must not reach.
   */
  async send(text: string, clientMsgId: string): Promise<boolean> {
    this.pending.set(clientMsgId, text);
    const client = this.client;
    if (!client) return false;
    client.send({ type: 'send', room: 'general', text, clientMsgId });
    try {
      const answer = await Promise.race([
        client.next('ack', (f) => f.clientMsgId === clientMsgId, ACK_CEILING_MS),
        client.next('error', (f) => f.ref === clientMsgId, ACK_CEILING_MS),
        client.closed.then(() => undefined),
      ]);
      return answer?.type === 'ack';
    } catch {
      return false;
    }
  }

  /** Rejoins with `after` to fill any gap the bus left. */
  async resync(): Promise<void> {
    const joined = await this.client!.join('general', this.lastContiguousSeq() || undefined);
    for (const message of joined.messages) this.held.set(message.id, message);
  }

  get isOpen(): boolean {
    return this.client?.ws.readyState === 1;
  }

  get closed(): Promise<{ code: number }> {
    return this.client!.closed;
  }

  close(): Promise<unknown> {
    return this.client?.close() ?? Promise.resolve();
  }

  sorted(): Message[] {
    return [...this.held.values()].sort((a, b) => a.seq - b.seq);
  }

  private lastContiguousSeq(): number {
    const seqs = new Set([...this.held.values()].map((m) => m.seq));
    let seq = 0;
    while (seqs.has(seq + 1)) seq++;
    return seq;
  }

  private absorb(frame: { type: string; message?: Message; clientMsgId?: string }): void {
    if (frame.type === 'message' && frame.message) this.held.set(frame.message.id, frame.message);
    if (frame.type === 'ack' && frame.message && frame.clientMsgId) {
      this.held.set(frame.message.id, frame.message);
      this.acked.set(frame.message.id, frame.message);
      this.pending.delete(frame.clientMsgId);
    }
  }
}
