/**
 * One WebSocket to the server, kept alive: reconnects with jittered exponential backoff and
 * follows the shared close codes — 4401 refresh the token then reconnect, 4403 (the account was
 * suspended) stop for good and say why,
 * 1001/4408 reconnect and resume, 4429 back off longer. The access token rides in a subprotocol,
 * never in the URL. The server closes a socket with 4401 when its token expires, so after every
 * refresh the new token is handed to the open socket (`renew`): it stays open, with no blip. What to do once connected (join, resume) belongs to sync.ts.
 *
 * While it waits it counts down (retry-wait.ts), and it does not wait longer than it must: after a
 * close that says the server went away (1001, a lost link), a visible page probes `GET /health`
 * and connects as soon as it answers; the page becoming visible, the network coming back and the
 * retry-now button end the wait at once. A 4429 back-off is only cut short by the person.
 */
import { adviceForClose, CloseCodes } from '../../protocol/close-codes.js';
import type { AUTH_SUBPROTOCOL_PREFIX, ClientFrame, ServerFrame, SUBPROTOCOL } from '../../protocol/frames.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { startRetryWait, type RetryWait } from './retry-wait.js';

// Values copied so the client does not bundle zod; the types make tsc prove they match.
const subprotocol: typeof SUBPROTOCOL = 'parley.v1';
const authPrefix: typeof AUTH_SUBPROTOCOL_PREFIX = 'parley.auth.';

const PING_EVERY_MS = 25_000;
/** No frame at all for this long means the link is dead even if the socket does not know yet. */
const SILENCE_LIMIT_MS = 60_000;
/** A connection that lived this long resets the backoff. */
const STABLE_AFTER_MS = 10_000;
/**
 * A socket that has not said `ready` by then is given up: a link that drops packets silently
 * would otherwise leave "connecting…" on screen, with no countdown and no retry, until the
 * browser's own timeout (minutes).
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** After 4429 the next attempt waits at least as long as the 5th ordinary one would. */
const BACK_OFF_ATTEMPT = 5;

export type ConnState = 'connecting' | 'online' | 'offline';

/** What a token check found: usable, refused for good, or unknown because the server is away. */
export type AuthCheck = 'ok' | 'ended' | 'offline';

export interface ConnectionEvents {
  onFrame(frame: ServerFrame): void;
  /** `retryIn`: while offline and waiting, the whole seconds until the next attempt (once a second). */
  onState(state: ConnState, detail: string, retryIn?: number): void;
  /** The socket closed (whatever the reason); a new `ready` will follow if it comes back. */
  onDown(): void;
  /** The session is over: the token could not be renewed. */
  onSessionEnded(): void;
  /**
   * The server told us not to come back: `code` 4403 (the account was suspended) or 1008 (policy).
   * No socket is opened again, whatever happens next (network back, page shown, retry-now).
   */
  onStopped(reason: string, code: number): void;
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
  /** Whether the server answers at all (`GET /health`); without it the wait is never cut short by a probe. */
  serverUp?: () => Promise<boolean>;
  /** Whether the page is visible (probes only then); defaults to `document.visibilityState`. */
  visible?: () => boolean;
}

export interface Connection {
  start(): void;
  stop(): void;
  /** Sends if the socket is open and the server said ready; false otherwise. */
  send(frame: ClientFrame): boolean;
  /**
   * Hands a freshly refreshed access token to the open socket, so the server keeps it open past the
   * old token's expiry. Without an open socket there is nothing to do: the next one opens with it.
   */
  renewToken(token: string): void;
  /** The person asks to try now: ends the wait before the next attempt, if there is one. */
  retryNow(): void;
}

/** Asks `/health` once, giving up after a while so a black-holed request does not hold the probes. */
export async function healthAnswers(url = '/health', timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
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
  /** The wait before the next attempt, while there is one. */
  let wait: RetryWait | null = null;
  /** Whether the wait under way may be cut short by the page coming back or the network (not a 4429). */
  let waitYields = true;
  /** This attempt began because a probe saw the server: if it fails, the next wait does not probe. */
  let probedAttempt = false;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let handshakeTimer: ReturnType<typeof setTimeout> | undefined;

  const visible = opts.visible ?? (() => document.visibilityState === 'visible');

  async function connect(afterProbe = false): Promise<void> {
    wait?.cancel();
    wait = null;
    if (stopped || ws !== null) return;
    probedAttempt = afterProbe;
    if (opts.token() === null && !(await authOk(opts.renew()))) return;
    const token = opts.token();
    if (stopped || token === null) return;
    events.onState('connecting', 'connecting…');
    let sock: WebSocket;
    try {
      sock = new WebSocket(opts.url, [subprotocol, authPrefix + token]);
    } catch {
      return scheduleRetry('cannot open a socket', true);
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
    handshakeTimer = setTimeout(() => {
      if (ws !== sock || ready) return;
      detach();
      sock.close();
      events.onDown();
      scheduleRetry('no answer from the server', true);
    }, HANDSHAKE_TIMEOUT_MS);
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
      clearTimeout(handshakeTimer);
      probedAttempt = false;
      events.onState('online', 'online');
    }
    // The answers to `renew` are this module's business. A refused one needs nothing either: the
    // server closes the socket with 4401 at the old expiry, and that path refreshes or ends the session.
    if (frame.type === 'renewed' || (frame.type === 'error' && frame.ref === 'renew')) return;
    events.onFrame(frame);
  }

  /** Resolves true to go on; on 'ended' the session is over, on 'offline' a retry is planned. */
  async function authOk(check: Promise<AuthCheck>, why = 'offline'): Promise<boolean> {
    const result = await check.catch((): AuthCheck => 'offline');
    if (stopped) return false;
    if (result === 'ended') endSession();
    else if (result === 'offline') scheduleRetry(why, true);
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
        code === CloseCodes.BANNED ? 'Your account was suspended.' : reason || 'The server closed the connection.';
      events.onState('offline', 'disconnected');
      return events.onStopped(why, code);
    }
    if (advice === 'back-off') {
      attempt = Math.max(attempt, BACK_OFF_ATTEMPT);
      return scheduleRetry('too many violations — backing off', false, false);
    }
    // A slow link closed by a server that is up gains nothing from probing it.
    if (code === CloseCodes.SLOW_CONSUMER) return scheduleRetry('catching up');
    const why = code === CloseCodes.GOING_AWAY ? 'server restarting' : 'connection lost';
    // A handshake refused before the upgrade surfaces only as 1006: ask whether the token died.
    if (!wasOpen && !(await authOk(opts.probe(), why))) return;
    if (stopped) return;
    scheduleRetry(why, true);
  }

  function endSession(): void {
    stopped = true;
    events.onState('offline', 'session ended');
    events.onSessionEnded();
  }

  /**
   * Waits out the backoff before the next attempt, counting down. `serverAway`: the server (or the
   * network) seems gone, so a visible page probes for it; but not right after an attempt that a
   * probe started failed, or a server that answers /health and refuses sockets would be hammered.
   */
  function scheduleRetry(why: string, serverAway = false, yields = true): void {
    if (stopped || wait !== null) return;
    const delayMs = backoffDelay(attempt++, opts.backoff ?? defaultBackoff);
    const serverUp = opts.serverUp;
    const probe = serverAway && !probedAttempt && serverUp !== undefined ? serverUp : undefined;
    let probed = false;
    waitYields = yields;
    wait = startRetryWait({
      delayMs,
      onTick: (left) => events.onState('offline', `${why} — retrying`, left),
      onEnd: () => {
        wait = null;
        void connect(probed);
      },
      probe:
        probe &&
        (async () => {
          const up = await probe();
          probed = up;
          return up;
        }),
      visible,
    });
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
        scheduleRetry('connection lost', true);
        return;
      }
      if (ready) sock.send(JSON.stringify({ type: 'ping' } satisfies ClientFrame));
    }, PING_EVERY_MS);
  }

  function detach(): void {
    clearInterval(pingTimer);
    pingTimer = undefined;
    clearTimeout(handshakeTimer);
    handshakeTimer = undefined;
    const sock = ws;
    ws = null;
    ready = false;
    if (sock) sock.onopen = sock.onmessage = sock.onclose = null;
  }

  /** The browser says the network is back, or the page is seen again: do not wait out the backoff. */
  const reconnectNow = (): void => {
    if (!stopped && wait !== null && waitYields) wait.now();
  };
  const onVisibility = (): void => {
    if (visible()) reconnectNow();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      window.addEventListener('online', reconnectNow);
      document.addEventListener('visibilitychange', onVisibility);
      void connect();
    },
    stop() {
      stopped = true;
      window.removeEventListener('online', reconnectNow);
      document.removeEventListener('visibilitychange', onVisibility);
      wait?.cancel();
      wait = null;
      const sock = ws;
      detach();
      sock?.close(1000, 'bye');
    },
    send(frame) {
      if (ws === null || !ready || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    retryNow() {
      if (!stopped) wait?.now();
    },
    renewToken(token) {
      if (ws === null || !ready || ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify({ type: 'renew', token } satisfies ClientFrame));
    },
  };
}
