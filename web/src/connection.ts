/**
 * One WebSocket to the server, kept alive: reconnects with jittered exponential backoff and
 * follows the shared close codes — 4401 refresh the token then reconnect, 4403 stop and say why,
 * 1001/4408 reconnect and resume, 4429 back off longer. The access token rides in a subprotocol,
 * never in the URL. What to do once connected (join, resume) belongs to sync.ts.
 */
import { adviceForClose, CloseCodes } from '../../protocol/close-codes.js';
import type { AUTH_SUBPROTOCOL_PREFIX, ClientFrame, ServerFrame, SUBPROTOCOL } from '../../protocol/frames.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';

// Values copied so the client does not bundle zod; the types make tsc prove they match.
const subprotocol: typeof SUBPROTOCOL = 'parley.v1';
const authPrefix: typeof AUTH_SUBPROTOCOL_PREFIX = 'parley.auth.';

const PING_EVERY_MS = 25_000;
/** No frame at all for this long means the link is dead even if the socket does not know yet. */
const SILENCE_LIMIT_MS = 60_000;
/** A connection that lived this long resets the backoff. */
const STABLE_AFTER_MS = 10_000;
/** After 4429 the next attempt waits at least as long as the 5th ordinary one would. */
const BACK_OFF_ATTEMPT = 5;

export type ConnState = 'connecting' | 'online' | 'offline';

/** What a token check found: usable, refused for good, or unknown because the server is away. */
export type AuthCheck = 'ok' | 'ended' | 'offline';

export interface ConnectionEvents {
  onFrame(frame: ServerFrame): void;
  onState(state: ConnState, detail: string): void;
  /** The socket closed (whatever the reason); a new `ready` will follow if it comes back. */
  onDown(): void;
  /** The session is over: the token could not be renewed. */
  onSessionEnded(): void;
  /** The server told us not to come back (banned, policy). */
  onStopped(reason: string): void;
}

export interface ConnectionOptions {
  url: string;
  token(): string | null;
  /** Gets a fresh access token (after 4401, or when ours has expired). */
  renew(): Promise<AuthCheck>;
  /** After a refused or failed handshake: is our token still accepted (renewing it if not)? */
  probe(): Promise<AuthCheck>;
  events: ConnectionEvents;
  backoff?: BackoffOptions;
}

export interface Connection {
  start(): void;
  stop(): void;
  /** Sends if the socket is open and the server said ready; false otherwise. */
  send(frame: ClientFrame): boolean;
}

export function wsUrl(path: string, loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${path}`;
}

export function createConnection(opts: ConnectionOptions): Connection {
  const { events } = opts;
  let ws: WebSocket | null = null;
  let ready = false;
  let stopped = true;
  let attempt = 0;
  let openedAt = 0;
  let lastFrameAt = 0;
  /** The last close was 4408: a second one in a row means the link cannot take what it is sent. */
  let slowBefore = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;

  async function connect(): Promise<void> {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    if (stopped || ws !== null) return;
    if (opts.token() === null && !(await authOk(opts.renew()))) return;
    const token = opts.token();
    if (stopped || token === null) return;
    events.onState('connecting', 'connecting…');
    let sock: WebSocket;
    try {
      sock = new WebSocket(opts.url, [subprotocol, authPrefix + token]);
    } catch {
      return scheduleRetry('cannot open a socket');
    }
    ws = sock;
    ready = false;
    openedAt = 0;
    sock.onopen = () => {
      openedAt = lastFrameAt = Date.now();
    };
    sock.onmessage = (ev: MessageEvent) => onMessage(ev);
    sock.onclose = (ev: CloseEvent) => {
      if (ws === sock) void onClosed(ev.code, ev.reason, openedAt !== 0);
    };
    startHeartbeat();
  }

  function onMessage(ev: MessageEvent): void {
    lastFrameAt = Date.now();
    if (typeof ev.data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(ev.data) as ServerFrame;
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
    if (frame.type === 'ready') {
      ready = true;
      events.onState('online', 'online');
    }
    events.onFrame(frame);
  }

  /** Resolves true to go on; on 'ended' the session is over, on 'offline' a retry is planned. */
  async function authOk(check: Promise<AuthCheck>): Promise<boolean> {
    const result = await check.catch((): AuthCheck => 'offline');
    if (stopped) return false;
    if (result === 'ended') endSession();
    else if (result === 'offline') scheduleRetry('offline');
    return result === 'ok';
  }

  async function onClosed(code: number, reason: string, wasOpen: boolean): Promise<void> {
    detach();
    if (stopped) return;
    events.onDown();
    // A run of 4408s is one problem (a link too slow for what it is sent), not a stable link: the
    // delay keeps growing even when each socket lived a while before it filled up.
    const slow = code === CloseCodes.SLOW_CONSUMER;
    if (wasOpen && Date.now() - openedAt > STABLE_AFTER_MS && !(slow && slowBefore)) attempt = 0;
    slowBefore = slow;
    const advice = adviceForClose(code);
    if (advice === 'refresh-then-reconnect') {
      events.onState('connecting', 'session expired — renewing…');
      if (!(await authOk(opts.renew()))) return;
      // Straight back the first time; if the server keeps saying 4401, slow down.
      if (attempt++ === 0) void connect();
      else scheduleRetry('session renewed');
      return;
    }
    if (advice === 'stop') {
      stopped = true;
      const why =
        code === CloseCodes.BANNED ? 'You are banned from this server.' : reason || 'The server closed the connection.';
      events.onState('offline', 'disconnected');
      return events.onStopped(why);
    }
    if (advice === 'back-off') {
      attempt = Math.max(attempt, BACK_OFF_ATTEMPT);
      return scheduleRetry('too many violations — backing off');
    }
    // A handshake refused before the upgrade surfaces only as 1006: ask whether the token died.
    if (!wasOpen && !(await authOk(opts.probe()))) return;
    if (stopped) return;
    const why =
      code === CloseCodes.GOING_AWAY
        ? 'server restarting'
        : code === CloseCodes.SLOW_CONSUMER
          ? 'catching up'
          : 'connection lost';
    scheduleRetry(why);
  }

  function endSession(): void {
    stopped = true;
    events.onState('offline', 'session ended');
    events.onSessionEnded();
  }

  function scheduleRetry(why: string): void {
    if (stopped || retryTimer !== undefined) return;
    const delay = backoffDelay(attempt++, opts.backoff ?? defaultBackoff);
    events.onState('offline', `${why} — retrying in ${Math.ceil(delay / 1000)}s`);
    retryTimer = setTimeout(() => void connect(), delay);
  }

  function startHeartbeat(): void {
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      const sock = ws;
      if (sock === null || sock.readyState !== WebSocket.OPEN) return;
      if (Date.now() - lastFrameAt > SILENCE_LIMIT_MS) {
        // Do not wait for a close handshake that a dead link will never finish.
        detach();
        sock.close(4000, 'heartbeat timeout');
        events.onDown();
        scheduleRetry('connection lost');
        return;
      }
      if (ready) sock.send(JSON.stringify({ type: 'ping' } satisfies ClientFrame));
    }, PING_EVERY_MS);
  }

  function detach(): void {
    clearInterval(pingTimer);
    pingTimer = undefined;
    const sock = ws;
    ws = null;
    ready = false;
    if (sock) sock.onopen = sock.onmessage = sock.onclose = null;
  }

  /** The browser says the network is back: do not wait out the backoff. */
  const reconnectNow = (): void => {
    if (!stopped && retryTimer !== undefined) void connect();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      window.addEventListener('online', reconnectNow);
      void connect();
    },
    stop() {
      stopped = true;
      window.removeEventListener('online', reconnectNow);
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const sock = ws;
      detach();
      sock?.close(1000, 'bye');
    },
    send(frame) {
      if (ws === null || !ready || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
  };
}
