import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../../protocol/index.js';
import type { Session } from './http.js';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/**
 * A test WebSocket client that records every frame, so a test can wait for the next frame of a type
 * or assert that none arrived.
 */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  private readonly waiters: { match: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }[] = [];
  private cursor = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      this.frames.push(frame);
      const index = this.waiters.findIndex((waiter) => waiter.match(frame));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        waiter!.resolve(frame);
      }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /**
   * The next frame (after those already consumed) matching type and predicate. The timeout is a
   * ceiling for a frame that will never come, not a latency bound.
   */
  next<T extends ServerFrame['type']>(
    type: T,
    predicate: (frame: FrameOf<T>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<FrameOf<T>> {
    const match = (frame: ServerFrame): boolean => frame.type === type && predicate(frame as FrameOf<T>);
    for (let i = this.cursor; i < this.frames.length; i++) {
      const frame = this.frames[i]!;
      if (match(frame)) {
        this.cursor = i + 1;
        return Promise.resolve(frame as FrameOf<T>);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a "${type}" frame`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          this.cursor = this.frames.indexOf(frame) + 1;
          resolve(frame as FrameOf<T>);
        },
      });
    });
  }

  framesOf<T extends ServerFrame['type']>(type: T): FrameOf<T>[] {
    return this.frames.filter((frame): frame is FrameOf<T> => frame.type === type);
  }

  async join(room = 'general', after?: number): Promise<FrameOf<'joined'>> {
    this.send(after === undefined ? { type: 'join', room } : { type: 'join', room, after });
    return this.next('joined', (frame) => frame.room === room);
  }

  async sendText(
    text: string,
    room = 'general',
    clientMsgId: string = globalThis.crypto.randomUUID(),
  ): Promise<FrameOf<'ack'>> {
    this.send({ type: 'send', room, text, clientMsgId });
    return this.next('ack', (frame) => frame.clientMsgId === clientMsgId);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

export interface ConnectOptions {
  origin?: string;
  headers?: Record<string, string>;
  protocols?: string[];
  query?: string;
}

/** Opens an authenticated socket the way a browser would (subprotocol token + cookie). */
export async function connect(wsUrl: string, session: Session, options: ConnectOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(
    `${wsUrl}${options.query ?? ''}`,
    options.protocols ?? ['parley.v1', `parley.auth.${session.accessToken}`],
    {
      headers: { cookie: session.cookie, ...options.headers },
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    },
  );
  const client = new TestClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  await client.next('ready');
  return client;
}

export interface Refusal {
  status: number;
  body: { error: { code: string; message: string } };
}

/** Attempts an upgrade that must be refused; resolves with the HTTP status and JSON body. */
export function expectRefused(
  wsUrl: string,
  protocols: string[] | undefined,
  options: { headers?: Record<string, string>; origin?: string } = {},
): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, protocols, {
      headers: options.headers ?? {},
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Refusal['body'] }),
      );
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}
