import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type ServerOptions, type WebSocket } from 'ws';
import { CloseCodes, SUBPROTOCOL, errorBody, parseClientFrame, type ErrorCode } from '../../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { ParleyError, asParleyError, rateLimited } from '../../core/errors.js';
import type { Limit } from '../../ports/rate-limiter.js';
import type { Logger } from '../../ports/logger.js';
import { noMetrics, type Metrics } from '../../ports/metrics.js';
import type { SocketSlots } from '../../ports/socket-slots.js';
import type { Authenticator, Identity } from '../auth/authenticate.js';
import { WS_VERSION, checkUpgradeRequest, readHandshake } from './handshake.js';
import { MessageDeadline } from './message-deadline.js';
import { wsSocket } from './ws-socket.js';

export const WS_PATH = '/api/v1/ws';
/** Consecutive invalid frames after which a socket is closed with 1008. */
const MAX_INVALID_FRAMES = 10;

export interface GatewayOptions {
  core: ChatCore;
  authenticator: Authenticator;
  logger: Logger;
  allowedOrigins: () => ReadonlySet<string>;
  maxPayload: number;
  heartbeatMs: number;
  /** How long a socket we close may take to finish the close handshake before it is destroyed. */
  closeGraceMs: number;
  /** Longest time one incoming message may take to arrive. */
  messageTimeoutMs: number;
  /** Upgrades per client IP (counted before authentication, so floods cost no crypto). */
  upgradeLimit: Limit;
  maxSocketsPerUser: number;
  /** Where the sockets per user are counted (this node, or every node through Redis). */
  socketSlots: SocketSlots;
  clientIp(request: IncomingMessage): string;
  /** Counts refused upgrades; default nothing. */
  metrics?: Metrics;
}

interface Liveness {
  alive: boolean;
  deadline: MessageDeadline;
}

/**
 * The WebSocket edge: every check happens before the upgrade and fails as an HTTP status with the
 * JSON error body; after it, frames are size-capped, parsed safely and handed to the core.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly liveness = new WeakMap<WebSocket, Liveness>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private closing = false;

  constructor(private readonly options: GatewayOptions) {
    // closeTimeout is newer than @types/ws (ws 8.23 has it, and ws is pinned exactly).
    const serverOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      maxPayload: options.maxPayload,
      perMessageDeflate: false,
      clientTracking: true,
      // A socket we close gets this long to answer our close frame; then ws destroys it, so a client
      // that ignores close frames cannot keep its connection (ws's default is 30 s).
      closeTimeout: options.closeGraceMs,
      // Select our protocol and never echo the token-bearing one.
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    };
    this.wss = new WebSocketServer(serverOptions);
    this.heartbeat = setInterval(() => {
      this.beat();
      // Renews the leases of this node's socket slots (with Redis); a crashed node's lapse.
      this.options.socketSlots
        .keepAlive()
        .catch((error: unknown) => options.logger.warn({ err: error }, 'socket slot keep-alive failed'));
    }, options.heartbeatMs);
    this.heartbeat.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'upgrade failed');
        this.refuse(socket, 500, 'INTERNAL');
      });
    });
  }

  /**
   * Graceful: refuses new upgrades, closes every socket with 1001, and resolves once each is gone
   * (a client that ignores the close frame is cut after `closeGraceMs`) and has left its rooms.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const gone = [...this.wss.clients].map(
      (ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', resolve))),
    );
    const shutdown = this.options.core.shutdown();
    for (const ws of this.wss.clients) ws.close(CloseCodes.GOING_AWAY, 'server going away');
    // ws destroys each unanswered socket after closeGraceMs; this is a ceiling should that fail.
    const ceiling = setTimeout(() => this.terminateAll(), this.options.closeGraceMs * 2);
    try {
      // Both awaited together, so a failing shutdown is never an unhandled rejection meanwhile.
      await Promise.all([Promise.all(gone), shutdown]);
    } finally {
      clearTimeout(ceiling);
      this.wss.close();
    }
  }

  /** WebSockets whose TCP connection is still there (closing ones included). */
  get openSockets(): number {
    return this.wss.clients.size;
  }

  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== WS_PATH) return this.refuse(socket, 404, 'NOT_FOUND');
    if (this.closing) return this.refuse(socket, 503, 'SHUTTING_DOWN');
    let identity;
    const slotId = globalThis.crypto.randomUUID();
    try {
      const allowance = await this.options.upgradeLimit.consume(this.options.clientIp(request));
      if (!allowance.allowed) throw rateLimited(allowance);
      checkUpgradeRequest(request);
      const offer = readHandshake(request, this.options.allowedOrigins());
      identity = await this.options.authenticator.authenticate(offer.token, request.headers.cookie);
      // Ended while we looked it up: the revocation has already closed this session's sockets.
      if (this.options.core.sessionEnded(identity.sessionId)) throw new ParleyError('TOKEN_INVALID');
      // Last: a slot is claimed only for a handshake that passed everything else.
      const { maxSocketsPerUser, socketSlots } = this.options;
      if (!(await socketSlots.claim(identity.user.id, slotId, maxSocketsPerUser))) {
        throw new ParleyError('RATE_LIMITED', `At most ${maxSocketsPerUser} live sockets per user.`, 5);
      }
    } catch (failure) {
      const error = asParleyError(failure);
      if (error) return this.refuse(socket, error.status, error.code, error.message, error.retryAfter);
      throw failure;
    }
    // The slot is given back when the TCP connection ends, whether or not it was ever upgraded.
    const release = () => void this.options.socketSlots.release(identity.user.id, slotId).catch(() => undefined);
    if (socket.destroyed) return release();
    socket.once('close', release);
    if (this.closing) return this.refuse(socket, 503, 'SHUTTING_DOWN');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, identity, slotId));
  }

  private refuse(socket: Duplex, status: number, code: ErrorCode, message?: string, retryAfter?: number): void {
    (this.options.metrics ?? noMetrics).connectRefused(code);
    refuse(socket, status, code, message, retryAfter);
  }

  private accept(ws: WebSocket, { user, sessionId, expiresAt }: Identity, slotId: string): void {
    const { core, logger } = this.options;
    let invalidInARow = 0;

    // Listeners first, before anything asynchronous, so no early frame is missed.
    const connection = core.connect(wsSocket(ws), user, sessionId, expiresAt);
    const deadline = new MessageDeadline(ws, this.options.messageTimeoutMs, () =>
      // 4408, not 1008: a link too slow for this message is the client's network, not a bug, and
      // 4408 tells it to reconnect (with growing backoff) and resume.
      connection.close(CloseCodes.SLOW_CONSUMER, 'message took too long to arrive'),
    );
    const liveness: Liveness = { alive: true, deadline };
    this.liveness.set(ws, liveness);
    ws.on('pong', () => (liveness.alive = true));
    ws.on('error', (error) => logger.debug({ err: error }, 'socket error'));
    ws.on('message', (data, isBinary) => {
      deadline.messageCompleted();
      // A closed connection takes nothing more, whatever the client goes on sending.
      if (!connection.isOpen) return;
      liveness.alive = true;
      const parsed = isBinary ? undefined : parseClientFrame(textOf(data));
      if (!parsed?.ok) {
        invalidInARow++;
        const message = isBinary
          ? 'Binary frames are not accepted; send JSON text.'
          : `Invalid frame (${parsed?.reason ?? 'binary'}).`;
        void core.refuseFrame(connection, message, parsed?.ref, invalidInARow >= MAX_INVALID_FRAMES);
        return;
      }
      invalidInARow = 0;
      void core.handle(connection, parsed.frame);
    });
    ws.on('close', () => {
      core.disconnect(connection);
      void this.options.socketSlots.release(user.id, slotId).catch(() => undefined);
    });
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      const liveness = this.liveness.get(ws);
      if (!liveness) continue;
      if (!liveness.alive) {
        ws.terminate();
        continue;
      }
      liveness.deadline.check(Date.now());
      liveness.alive = false;
      ws.ping();
    }
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP error and the JSON body, then hangs up. */
function refuse(socket: Duplex, status: number, code: ErrorCode, message?: string, retryAfter?: number): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(errorBody(code, message, retryAfter));
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      (retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`) +
      (code === 'WS_VERSION_UNSUPPORTED' ? `Sec-WebSocket-Version: ${WS_VERSION}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
