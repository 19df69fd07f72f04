import { CloseCodes, type ClientFrame, type User } from '../../../protocol/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Bus, BusEnvelope } from '../ports/bus.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { noMetrics, type Metrics, type SocketCloseReason } from '../ports/metrics.js';
import type { Presence } from '../ports/presence.js';
import type { Limit } from '../ports/rate-limiter.js';
import type { SocketLike } from '../ports/socket.js';
import type { SocketCredentials } from '../ports/socket-credentials.js';
import type { Store } from '../ports/store.js';
import { EVERY_DOMAIN, type Authorizer } from './authz/authorizer.js';
import { announceTyping } from './actions/typing.js';
import { joinRoom } from './actions/join-room.js';
import { leaveRoom } from './actions/leave-room.js';
import { loadHistory } from './actions/load-history.js';
import { sendMessage } from './actions/send-message.js';
import { markRead } from './conversations/actions/mark-read.js';
import { deleteMessage } from './messages/delete-message.js';
import { editMessage } from './messages/edit-message.js';
import { react } from './messages/react.js';
import type { Eviction } from './fan-out.js';
import { Connection } from './connection.js';
import type { ChatLimits, CoreContext } from './context.js';
import { asParleyError, isParleyError } from './errors.js';
import { serializeFrame } from './events.js';
import { FanOut } from './fan-out.js';
import { ExpiryWheel } from './expiry-wheel.js';
import { FrameAdmission } from './frame-admission.js';
import { budgetOn } from './reply-budget.js';
import { LocalHub } from './local-hub.js';
import { PresenceCoalescer } from './presence-coalescer.js';

/**
 * How long a node remembers that a session ended. A handshake authenticates in well under this, so
 * one that looked the session up just before its end and upgrades just after is still refused.
 */
const ENDED_SESSION_MEMORY_MS = 10 * 60_000;
/** How often expired sockets are looked for: one closes at most this long after its credentials lapse. */
const EXPIRY_TICK_MS = 250;

export interface ChatCoreDeps {
  store: Store;
  blobs: BlobStore;
  bus: Bus;
  presence: Presence;
  clock: Clock;
  logger: Logger;
  /** Default: counts nothing. */
  metrics?: Metrics;
  nodeId: string;
  limits: ChatLimits;
  authz: Authorizer;
  messageLimit: Limit;
  roomCreateLimit: Limit;
  dmCreateLimit: Limit;
  /** Checks the fresh token of a `renew` frame (the edge's JWT verification). */
  credentials: SocketCredentials;
  /** Told whenever sessions end on another node (the bus), before their sockets close here. */
  onSessionsEndedElsewhere?: (sessionIds: string[]) => void;
}

/**
 * The transport-free chat domain. The edge authenticates a socket and hands it here with the
 * verified identity; from then on every frame goes through `handle`, which runs the use case and
 * answers errors as `error` frames with stable codes.
 */
export class ChatCore {
  readonly ctx: CoreContext;
  private readonly unsubscribe: () => void;
  private readonly onSessionsEndedElsewhere: ((sessionIds: string[]) => void) | undefined;
  private readonly admission: FrameAdmission;
  /**
   * Sessions ended lately, so a handshake that authenticated just before the end is refused, with
   * the close code they ended with (4403 when the account was suspended).
   */
  private readonly endedSessions = new Map<string, { at: number; code: number }>();
  /** The clean-up of every connection that ended and is still leaving its rooms. */
  private readonly cleanups = new Set<Promise<void>>();
  /** Each socket's deadline: its access token's expiry or its session's end, moved by `renew`. */
  private readonly expiries: ExpiryWheel<Connection>;
  private readonly credentials: SocketCredentials;

  constructor(deps: ChatCoreDeps) {
    const metrics = deps.metrics ?? noMetrics;
    const hub = new LocalHub(metrics);
    const fanOut = new FanOut(hub, deps.bus, deps.nodeId, deps.logger, deps.limits.reorderHoldMs);
    const presenceDiffs = new PresenceCoalescer(deps.limits.presenceCoalesceMs, (frame) =>
      fanOut.room(frame.room, serializeFrame(frame)),
    );
    this.ctx = { ...deps, metrics, hub, fanOut, presenceDiffs, newId: () => globalThis.crypto.randomUUID() };
    fanOut.onEvict = (room, evict) => this.evict(room, evict);
    this.onSessionsEndedElsewhere = deps.onSessionsEndedElsewhere;
    this.admission = new FrameAdmission(deps.limits.frames);
    this.credentials = deps.credentials;
    this.expiries = new ExpiryWheel(
      EXPIRY_TICK_MS,
      () => deps.clock.now(),
      (connection) =>
        // 4401: the client refreshes its token and reconnects, as after a revocation.
        connection.close(CloseCodes.SESSION_ENDED, 'credentials expired'),
    );
    this.unsubscribe = deps.bus.subscribe((envelope) => this.onBusEnvelope(envelope));
  }

  /**
   * Registers an authenticated socket and greets it with `ready`. `expiresAt` (ms since the epoch):
   * when its credentials lapse; unless a `renew` moves it, the socket is closed with 4401 then.
   */
  connect(socket: SocketLike, user: User, sessionId: string, expiresAt: number): Connection {
    const { limits } = this.ctx;
    const connection = new Connection(
      this.ctx.newId(),
      user,
      sessionId,
      socket,
      limits.maxBufferedBytes,
      limits.maxQueuedFrames,
    );
    connection.whenEnded(() => this.ended(connection));
    this.ctx.hub.addConnection(connection);
    this.ctx.metrics.socketOpened();
    const ended = this.endedSessions.get(sessionId);
    if (ended) {
      // Its session ended while the handshake was in flight: it never gets to say a word.
      connection.close(ended.code, ended.code === CloseCodes.BANNED ? 'account suspended' : 'session ended');
      return connection;
    }
    this.expiries.set(connection, expiresAt);
    const roles = globalRolesOf(this.ctx.authz, user.id);
    connection.send({
      type: 'ready',
      user,
      sessionId,
      limits: {
        messageMaxChars: limits.messageMaxChars,
        messageMaxBytes: limits.messageMaxBytes,
        messagesPerSecond: limits.messagesPerSecond,
        messagesBurst: limits.messagesBurst,
      },
      ...(roles.length === 0 ? {} : { roles }),
    });
    return connection;
  }

  /** True when this node has seen the session end (here or through the bus) in the last minutes. */
  sessionEnded(sessionId: string): boolean {
    return this.endedSessions.has(sessionId);
  }

  /** Handles one validated frame; frames of one connection take effect in order. */
  handle(connection: Connection, frame: ClientFrame): Promise<void> {
    this.ctx.metrics.frameIn(frame.type);
    if (!this.admit(connection, frame.type === 'send' ? frame.clientMsgId : frame.type)) return Promise.resolve();
    return connection.enqueue(async () => {
      try {
        await this.dispatch(connection, frame);
      } catch (error) {
        this.answerError(connection, frame, error);
      }
    });
  }

  /**
   * Answers a frame the edge could not parse, in turn with the answers to earlier frames; `close`
   * ends a socket that keeps sending garbage (1008).
   */
  refuseFrame(connection: Connection, message: string, ref: string | undefined, close: boolean): Promise<void> {
    this.ctx.metrics.frameIn('invalid');
    if (!this.admit(connection, ref)) return Promise.resolve();
    return connection.enqueue(() => {
      this.ctx.metrics.errorFrame('INVALID_FRAME');
      connection.send({ type: 'error', code: 'INVALID_FRAME', message, ...(ref === undefined ? {} : { ref }) });
      if (close) connection.close(CloseCodes.POLICY, 'too many invalid frames');
      return Promise.resolve();
    });
  }

  /** The transport says the socket has closed (if we had not closed it already). */
  disconnect(connection: Connection): void {
    connection.socketClosed();
  }

  /** Closes every live socket of these sessions, on this node and (through the bus) on the others. */
  endSessions(sessionIds: string[]): void {
    this.closeLocalSessions(sessionIds);
    this.ctx.bus
      .publish({ nodeId: this.ctx.nodeId, event: { kind: 'sessions-ended', sessionIds } })
      .catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'bus publish of ended sessions failed'));
  }

  /**
   * A user was suspended (their sessions, `sessionIds`, already revoked in the store): close every
   * socket of theirs with 4403 here and, through the bus, on every other node. Never 4401 first —
   * that would tell the client to refresh and come back.
   */
  closeSuspendedUser(userId: string, sessionIds: string[]): void {
    this.closeSuspendedLocally(userId, sessionIds);
    this.ctx.bus
      .publish({ nodeId: this.ctx.nodeId, event: { kind: 'user-suspended', userId, sessionIds } })
      .catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'bus publish of a suspension failed'));
  }

  /**
   * Graceful shutdown: tell every client we are going away so it reconnects elsewhere; resolves once
   * every connection has left its rooms (presence cleaned), after the frame each was handling.
   */
  async shutdown(): Promise<void> {
    this.expiries.stop();
    this.ctx.fanOut.flush();
    for (const connection of this.ctx.hub.connections()) connection.close(CloseCodes.GOING_AWAY, 'server going away');
    this.unsubscribe();
    while (this.cleanups.size > 0) await Promise.all([...this.cleanups]);
    this.ctx.presenceDiffs.flushAll();
    this.ctx.fanOut.flush();
  }

  get connectionCount(): number {
    return this.ctx.hub.size;
  }

  /** Live sockets of one user on this node. */
  connectionsOfUser(userId: string): number {
    return this.ctx.hub.countOfUser(userId);
  }

  /**
   * Every frame passes the connection's and the user's frame rates before it is queued. A refused
   * frame is answered RATE_LIMITED at once (with `retryAfter`); the refusal that makes
   * `messageViolationsBeforeClose` in a minute closes the socket with 4429 instead.
   */
  private admit(connection: Connection, ref: string | undefined): boolean {
    if (!connection.isOpen) return false;
    const now = this.ctx.clock.now();
    const waitMs = this.admission.admit(connection, now);
    if (waitMs === 0) return true;
    this.ctx.metrics.rateLimited('frames');
    if (connection.countViolation(now) >= this.ctx.limits.messageViolationsBeforeClose) {
      connection.close(CloseCodes.TOO_MANY_VIOLATIONS, 'too many rate-limit violations');
      return false;
    }
    // Answered at once, not in turn: the frames before it may still wait, and a flood must hear
    // "slow down" before anything else (`ref` says which frame was refused).
    this.ctx.metrics.errorFrame('RATE_LIMITED');
    connection.send({
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'Too many frames. Slow down.',
      ...(ref === undefined ? {} : { ref }),
      retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
    });
    return false;
  }

  /** A connection ended: out of the hub at once, then out of its rooms after its frame in progress. */
  private ended(connection: Connection): void {
    this.ctx.hub.removeConnection(connection);
    this.ctx.metrics.socketClosed(closeReason(connection.closeCode));
    if (connection.closeCode === CloseCodes.SLOW_CONSUMER) this.ctx.metrics.slowConsumerClose();
    this.expiries.delete(connection);
    const cleanup = connection
      .afterWork(async () => {
        for (const room of [...connection.rooms]) await leaveRoom(this.ctx, connection, room);
      })
      .catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'leaving rooms failed'))
      .finally(() => {
        this.cleanups.delete(cleanup);
        if (this.ctx.hub.countOfUser(connection.user.id) === 0) {
          this.admission.userLeft(connection.user.id, this.ctx.clock.now());
        }
      });
    this.cleanups.add(cleanup);
  }

  private async dispatch(connection: Connection, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'join':
        return joinRoom(this.ctx, connection, frame);
      case 'leave':
        await leaveRoom(this.ctx, connection, frame.room);
        connection.send({ type: 'left', room: frame.room });
        return;
      case 'send':
        return sendMessage(this.ctx, connection, frame);
      case 'history': {
        const page = await loadHistory(
          this.ctx,
          connection.user,
          frame,
          budgetOn(this.ctx.limits, connection.bufferedBytes),
        );
        connection.send({ type: 'history', ...page });
        return;
      }
      case 'typing':
        return announceTyping(this.ctx, connection, frame.room);
      case 'edit':
        return editMessage(this.ctx, connection, frame);
      case 'delete':
        return deleteMessage(this.ctx, connection, frame);
      case 'react':
        return react(this.ctx, connection, frame);
      case 'read':
        await markRead(this.ctx, connection.user, frame.room, frame.seq);
        return;
      case 'ping':
        connection.send({ type: 'pong' });
        return;
      case 'renew':
        return this.renew(connection, frame.token);
    }
  }

  /**
   * A fresh token for this socket: verified like a handshake token, for the same user and session.
   * Only a good one moves the deadline; a refusal (TOKEN_INVALID) leaves it where it was.
   */
  private async renew(connection: Connection, token: string): Promise<void> {
    const deadline = await this.credentials.renew(token, {
      userId: connection.user.id,
      sessionId: connection.sessionId,
    });
    // Closed (expired, revoked) while the token was checked: nothing to move.
    if (!connection.isOpen || this.endedSessions.has(connection.sessionId)) return;
    this.expiries.set(connection, deadline);
    connection.send({ type: 'renewed', expiresAt: new Date(deadline).toISOString() });
  }

  private answerError(connection: Connection, frame: ClientFrame, failure: unknown): void {
    const ref = frame.type === 'send' ? frame.clientMsgId : frame.type;
    const room = 'room' in frame ? { room: frame.room } : {};
    const error = asParleyError(failure) ?? failure;
    if (isParleyError(error)) {
      this.ctx.metrics.errorFrame(error.code);
      connection.send({
        type: 'error',
        code: error.code,
        message: error.message,
        ref,
        ...room,
        ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
        ...error.details,
      });
      return;
    }
    this.ctx.logger.error({ err: error, frameType: frame.type }, 'frame handling failed');
    this.ctx.metrics.errorFrame('INTERNAL');
    connection.send({ type: 'error', code: 'INTERNAL', message: 'Something went wrong on our side.', ref });
  }

  private onBusEnvelope(envelope: BusEnvelope): void {
    if (envelope.nodeId === this.ctx.nodeId) return;
    const event = envelope.event;
    // `authz-changed` is the authorizer's own subscription (core/authz/bus-watcher.ts).
    if (event.kind === 'authz-changed') return;
    if (event.kind === 'sessions-ended') {
      this.onSessionsEndedElsewhere?.(event.sessionIds);
      this.closeLocalSessions(event.sessionIds);
    } else if (event.kind === 'user-suspended') {
      this.onSessionsEndedElsewhere?.(event.sessionIds);
      this.closeSuspendedLocally(event.userId, event.sessionIds);
    } else this.ctx.fanOut.fromBus(event);
  }

  private closeSuspendedLocally(userId: string, sessionIds: string[]): void {
    this.rememberEnded(sessionIds, CloseCodes.BANNED);
    for (const connection of this.ctx.hub.connectionsOfUser(userId)) {
      connection.close(CloseCodes.BANNED, 'account suspended');
    }
  }

  private rememberEnded(sessionIds: string[], code: number): void {
    const now = this.ctx.clock.now();
    // Oldest first (insertion order is time order): forget what is past the memory.
    for (const [id, { at }] of this.endedSessions) {
      if (now - at < ENDED_SESSION_MEMORY_MS) break;
      this.endedSessions.delete(id);
    }
    for (const sessionId of sessionIds) {
      this.endedSessions.delete(sessionId);
      this.endedSessions.set(sessionId, { at: now, code });
    }
  }

  /**
   * A user stopped being a member (removed, kicked, banned, or left on another device): their sockets on this node
   * stop following the room now, and are told why. Frames of the room queued for them before this
   * still go out; nothing after.
   */
  private evict(room: string, { userId, reason, detail }: Eviction): void {
    for (const connection of this.ctx.hub.connectionsOfUser(userId)) {
      if (!connection.rooms.has(room)) continue;
      void leaveRoom(this.ctx, connection, room)
        .catch((error: unknown) => this.ctx.logger.warn({ err: error, room }, 'leaving an evicted room failed'))
        .then(() => connection.send({ type: 'left', room, reason, ...(detail ? { detail } : {}) }));
    }
  }

  private closeLocalSessions(sessionIds: string[]): void {
    this.rememberEnded(sessionIds, CloseCodes.SESSION_ENDED);
    for (const sessionId of sessionIds) {
      for (const connection of this.ctx.hub.connectionsOfSession(sessionId)) {
        connection.close(CloseCodes.SESSION_ENDED, 'session ended');
      }
    }
  }
}

/** The close code we sent, as a bounded label (undefined: the peer or the link ended it). */
function closeReason(code: number | undefined): SocketCloseReason {
  switch (code) {
    case undefined:
      return 'peer';
    case CloseCodes.GOING_AWAY:
      return 'going_away';
    case CloseCodes.POLICY:
      return 'policy';
    case CloseCodes.TOO_BIG:
      return 'too_big';
    case CloseCodes.SESSION_ENDED:
      return 'session_ended';
    case CloseCodes.BANNED:
      return 'banned';
    case CloseCodes.SLOW_CONSUMER:
      return 'slow_consumer';
    case CloseCodes.TOO_MANY_VIOLATIONS:
      return 'too_many_violations';
    default:
      return 'other';
  }
}

/** The user's global roles (granted in every domain), for the ready frame. */
function globalRolesOf(authz: Authorizer, userId: string): string[] {
  return authz
    .rolesOf(userId)
    .filter((grant) => grant.domain === EVERY_DOMAIN)
    .map((grant) => grant.role);
}
