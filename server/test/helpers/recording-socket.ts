import type { OutgoingFrame, SendOutcome, SocketLike } from '../../src/ports/socket.js';

/** An in-memory socket: records each write the core makes (the messages in it) and lets a test set the backlog. */
export class RecordingSocket implements SocketLike {
  /** Every message written, in order. */
  readonly written: string[] = [];
  /** Each `send` call: the messages it carried, and the frame object itself. */
  readonly writes: { messages: string[]; frame: OutgoingFrame }[] = [];
  closedWith: number | undefined;
  bufferedAmount = 0;

  /** `log`, shared by several sockets, records which socket was written to, in order. */
  constructor(
    private readonly name = '',
    private readonly log?: string[],
  ) {}

  get isOpen() {
    return this.closedWith === undefined;
  }
  send(frame: OutgoingFrame, maxBufferedBytes: number): SendOutcome {
    if (!this.isOpen) return 'closed';
    if (this.bufferedAmount + frame.byteLength > maxBufferedBytes) return 'full';
    const messages = frame.parts.map((part) => new TextDecoder().decode(part));
    this.written.push(...messages);
    this.writes.push({ messages, frame });
    this.log?.push(this.name);
    return 'sent';
  }
  close(code: number) {
    this.closedWith = code;
  }
}
