/**
 * One WebSocket to the server, kept alive: reconnects with jittered exponential backoff and
 * follows the shared close codes. The access token rides in a subprotocol, never in the URL.
 * What to do once connected (join, resume) belongs to sync.ts.
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

export type ConnState = 'connecting' | 'online' | 'offline';

export interface ConnectionEvents {
  onFrame(frame: ServerFrame): void;
  onState(state: ConnState, detail: string): void;
  /** Session expired or revoked (4401, or a refused handshake with a dead token). */
  onSessionEnded(): void;
  /** The server told us not to come back (banned, policy). */
  onStopped(reason: string): void;
}

export interface ConnectionOptions {
  url: string;
  token(): string | null;
  /** Called after a handshake failed: resolves false when the token is no longer accepted. */
  tokenStillValid(): Promise<boolean>;
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
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;

  function connect(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    if (stopped) return;
    const token = opts.token();
    if (token === null) return endSession();
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
    sock.onmessage = (ev: MessageEvent) => {
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
    };
    sock.onclose = (ev: CloseEvent) => {
      if (ws !== sock) return;
      void onClosed(ev.code, ev.reason, openedAt !== 0);
    };
    startHeartbeat();
  }

  async function onClosed(code: number, reason: string, wasOpen: boolean): Promise<void> {
    detach();
    if (stopped) return;
    if (wasOpen && Date.now() - openedAt > STABLE_AFTER_MS) attempt = 0;
    const advice = adviceForClose(code);
    if (code === CloseCodes.SESSION_ENDED) return endSession();
    if (advice === 'stop') {
      stopped = true;
      const why = code === CloseCodes.BANNED ? 'You are banned from this server.' : reason;
      events.onState('offline', 'disconnected');
      return events.onStopped(why || 'The server closed the connection.');
    }
    if (advice === 'back-off') attempt = Math.max(attempt, 5);
    // A handshake refused before the upgrade surfaces only as 1006: ask whether the token died.
    if (!wasOpen && !(await opts.tokenStillValid().catch(() => true))) return endSession();
    if (!stopped) scheduleRetry(code === CloseCodes.GOING_AWAY ? 'server restarting' : 'offline');
  }

  function endSession(): void {
    stopped = true;
    events.onState('offline', 'session ended');
    events.onSessionEnded();
  }

  function scheduleRetry(why: string): void {
    const delay = backoffDelay(attempt++, opts.backoff ?? defaultBackoff);
    events.onState('offline', `${why} — reconnecting in ${Math.ceil(delay / 1000)}s`);
    retryTimer = setTimeout(connect, delay);
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

  const reconnectNow = (): void => {
    if (!stopped && retryTimer !== undefined) connect();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      window.addEventListener('online', reconnectNow);
      connect();
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
