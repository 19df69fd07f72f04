/** The reconnect loop follows the close codes: a fake WebSocket and fake timers drive it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConnection, HANDSHAKE_TIMEOUT_MS, type AuthCheck, type ConnState } from '../src/connection.js';

class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  /** The server accepts the upgrade and says ready. */
  accept(): void {
    this.readyState = 1;
    this.onopen?.();
    const user = { id: 'u', username: 'ann', color: '#88ff88' };
    this.onmessage?.({ data: JSON.stringify({ type: 'ready', user, sessionId: 's' }) });
  }
  /** The server (or the network) closes it. */
  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

let token = 'token-1';
const renew = vi.fn<() => Promise<AuthCheck>>();
const probe = vi.fn<() => Promise<AuthCheck>>();
const events = {
  onFrame: vi.fn(),
  onState: vi.fn<(state: ConnState, detail: string, retryIn?: number) => void>(),
  onDown: vi.fn(),
  onSessionEnded: vi.fn(),
  onStopped: vi.fn<(reason: string, code: number) => void>(),
};

/** The page's visibility and the listeners the connection put on window and document. */
const page = { visibilityState: 'visible' as 'visible' | 'hidden' };
const listeners = new Map<string, () => void>();
const addEventListener = (type: string, fn: () => void) => listeners.set(type, fn);
const removeEventListener = (type: string) => listeners.delete(type);
/** `GET /health`: answers while the server is up. */
const serverUp = vi.fn<() => Promise<boolean>>();

function start(options: { probing?: boolean } = {}) {
  const conn = createConnection({
    url: 'ws://parley.test/api/v1/ws',
    token: () => token,
    renew,
    probe,
    events,
    ...(options.probing === true ? { serverUp } : {}),
  });
  conn.start();
  return conn;
}
const latest = () => FakeSocket.all.at(-1)!;
const settle = () => vi.advanceTimersByTimeAsync(0);
/** Advances the clock until the next socket opens (at most `limitMs`), not past it: a socket left unanswered longer would hit the handshake deadline. */
async function untilNextSocket(limitMs = 31_000): Promise<void> {
  const count = FakeSocket.all.length;
  for (let t = 0; t < limitMs && FakeSocket.all.length === count; t += 100) await vi.advanceTimersByTimeAsync(100);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1); // the longest delay of each backoff step
  FakeSocket.all = [];
  token = 'token-1';
  vi.stubGlobal('WebSocket', FakeSocket);
  listeners.clear();
  page.visibilityState = 'visible';
  vi.stubGlobal('window', { addEventListener, removeEventListener });
  vi.stubGlobal('document', {
    addEventListener,
    removeEventListener,
    get visibilityState() {
      return page.visibilityState;
    },
  });
  serverUp.mockReset().mockResolvedValue(false);
  renew.mockReset().mockImplementation(() => {
    token = 'token-2';
    return Promise.resolve('ok');
  });
  probe.mockReset().mockResolvedValue('offline');
  for (const fn of Object.values(events)) fn.mockReset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the connection', () => {
  it('offers the token as a subprotocol, never in the URL, and reports online on ready', async () => {
    start();
    await settle();
    expect(latest().url).toBe('ws://parley.test/api/v1/ws');
    expect(latest().protocols).toEqual(['parley.v1', 'parley.auth.token-1']);
    latest().accept();
    expect(events.onState).toHaveBeenLastCalledWith('online', 'online');
  });

  it('a handshake that never answers is given up after a deadline, with a countdown to the next try', async () => {
    start();
    await settle();
    const silent = latest();
    await vi.advanceTimersByTimeAsync(HANDSHAKE_TIMEOUT_MS - 1);
    expect(silent.readyState).toBe(0); // still waiting
    await vi.advanceTimersByTimeAsync(1);
    expect(silent.readyState).toBe(3);
    expect(events.onDown).toHaveBeenCalledTimes(1);
    expect(events.onState).toHaveBeenLastCalledWith('offline', expect.stringContaining('retrying'), expect.any(Number));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(FakeSocket.all.length).toBeGreaterThan(1);
    latest().accept();
    expect(events.onState).toHaveBeenLastCalledWith('online', 'online');
    // A socket that said ready is not cut by the deadline.
    await vi.advanceTimersByTimeAsync(HANDSHAKE_TIMEOUT_MS * 2);
    expect(latest().readyState).toBe(1);
  });

  it('1001 and 4408: reconnects by itself after a short jittered delay', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(1001);
    await settle();
    expect(events.onState).toHaveBeenLastCalledWith(
      'offline',
      expect.stringContaining('server restarting'),
      expect.any(Number),
    );
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all).toHaveLength(2);
    latest().accept();
    latest().drop(4408);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('4408 again and again: backs off with growing delays, even when each socket lived a while', async () => {
    start();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      latest().accept();
      // Each socket lives past the "stable" mark before its send buffer overflows.
      await vi.advanceTimersByTimeAsync(11_000);
      latest().drop(4408);
      const sockets = FakeSocket.all.length;
      let waited = 0;
      while (FakeSocket.all.length === sockets) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      delays.push(waited);
    }
    // The first 4408 after a stable link starts over at the shortest delay; the run then grows.
    expect(delays[0]).toBeLessThanOrEqual(500);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
    expect(delays.at(-1)).toBeGreaterThanOrEqual(16_000);
  });

  it('4401: renews the token, then reconnects with the new one at once', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(4401);
    await settle();
    expect(renew).toHaveBeenCalledOnce();
    expect(FakeSocket.all).toHaveLength(2);
    expect(latest().protocols).toEqual(['parley.v1', 'parley.auth.token-2']);
  });

  it('4401 with a refresh the server refuses: the session ends, no more sockets', async () => {
    renew.mockResolvedValue('ended');
    start();
    await settle();
    latest().accept();
    latest().drop(4401);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events.onSessionEnded).toHaveBeenCalledOnce();
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('4403: stops and says why; nothing brings it back (network, page shown, retry-now)', async () => {
    const conn = start();
    await settle();
    latest().accept();
    latest().drop(4403);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events.onStopped).toHaveBeenCalledWith('Your account was suspended.', 4403);
    listeners.get('online')?.();
    listeners.get('visibilitychange')?.();
    conn.retryNow();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(renew).not.toHaveBeenCalled();
  });

  it('4429: backs off much longer than an ordinary drop', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(4429);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('a refused handshake asks whether the token died; if so, the session ends', async () => {
    probe.mockResolvedValue('ended');
    start();
    await settle();
    latest().drop(1006); // never opened
    await settle();
    expect(probe).toHaveBeenCalledOnce();
    expect(events.onSessionEnded).toHaveBeenCalledOnce();
  });

  it('while the server is away, retries grow with backoff and never stop', async () => {
    start();
    await settle();
    for (let i = 0; i < 6; i++) {
      latest().drop(1006);
      await untilNextSocket();
    }
    expect(FakeSocket.all).toHaveLength(7);
    expect(probe).toHaveBeenCalledTimes(6);
  });
});

/** The seconds left that the status showed, in order, since the last reset of the mock. */
const countdown = () =>
  events.onState.mock.calls.filter(([state, , left]) => state === 'offline' && left !== undefined).map((c) => c[2]);

/** A drop of a socket that never opened, while the server is away: the auth probe says offline. */
async function refused(): Promise<void> {
  latest().drop(1006);
  await settle();
}

describe('waiting to reconnect', () => {
  it('counts down each second to the next attempt', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(4429); // the 5th backoff step: 16 s with the longest jitter
    await settle();
    events.onState.mockClear();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(countdown()).toEqual([15, 14, 13]);
    expect(events.onState).toHaveBeenLastCalledWith('offline', 'too many violations — backing off — retrying', 13);
  });

  it('retry now: the person ends any wait at once, even a 4429 back-off', async () => {
    const conn = start();
    await settle();
    latest().accept();
    latest().drop(4429);
    await settle();
    conn.retryNow();
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
    conn.retryNow(); // no wait under way: nothing happens
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('the page becoming visible or the network coming back ends the wait at once', async () => {
    page.visibilityState = 'hidden';
    start();
    await settle();
    for (let i = 0; i < 4; i++) {
      await refused();
      await vi.advanceTimersByTimeAsync(31_000);
    }
    await refused(); // now waiting 8 s
    const sockets = FakeSocket.all.length;
    listeners.get('visibilitychange')!(); // still hidden: nothing
    await settle();
    expect(FakeSocket.all).toHaveLength(sockets);
    page.visibilityState = 'visible';
    listeners.get('visibilitychange')!();
    await settle();
    expect(FakeSocket.all).toHaveLength(sockets + 1);
    await refused();
    listeners.get('online')!();
    await settle();
    expect(FakeSocket.all).toHaveLength(sockets + 2);
  });

  it('a 4429 back-off is not cut short by visibility or the network, only by the person', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(4429);
    await settle();
    listeners.get('visibilitychange')!();
    listeners.get('online')!();
    await settle();
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('a visible page reconnects within a second of the server being back, however long it was away', async () => {
    for (const random of [0, 0.5, 1]) {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      for (const awayMs of [2_000, 9_500, 47_300, 180_000]) {
        FakeSocket.all = [];
        const conn = start({ probing: true });
        await settle();
        latest().accept();
        let up = false;
        serverUp.mockImplementation(() => Promise.resolve(up));
        latest().drop(1001);
        // While away, every attempt is refused.
        const backAt = Date.now() + awayMs;
        while (Date.now() < backAt) {
          const sockets = FakeSocket.all.length;
          await vi.advanceTimersByTimeAsync(Math.min(100, backAt - Date.now()));
          if (FakeSocket.all.length > sockets) await refused();
        }
        up = true;
        const sockets = FakeSocket.all.length;
        let waited = 0;
        while (FakeSocket.all.length === sockets) {
          await vi.advanceTimersByTimeAsync(10);
          waited += 10;
        }
        expect(waited, `random ${random}, away ${awayMs} ms`).toBeLessThanOrEqual(1_000);
        conn.stop();
      }
    }
    expect(serverUp.mock.calls.length).toBeGreaterThan(0);
  });

  it('a hidden page does not probe: it waits out the backoff', async () => {
    page.visibilityState = 'hidden';
    start({ probing: true });
    await settle();
    latest().accept();
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(serverUp).not.toHaveBeenCalled();
  });

  it('probes only for a server that went away: not after 4408 or 4429', async () => {
    start({ probing: true });
    await settle();
    latest().accept();
    latest().drop(4429);
    await vi.advanceTimersByTimeAsync(5_000);
    latest().drop(4408);
    expect(serverUp).not.toHaveBeenCalled();
  });

  it('a server that answers /health but refuses sockets is not hammered: the next wait does not probe', async () => {
    serverUp.mockResolvedValue(true);
    start({ probing: true });
    await settle();
    for (let i = 0; i < 5; i++) {
      await refused();
      await untilNextSocket();
    }
    await refused(); // waiting 16 s now, probing
    const before = FakeSocket.all.length;
    await vi.advanceTimersByTimeAsync(1_000); // the probe answers: one attempt at once
    expect(FakeSocket.all).toHaveLength(before + 1);
    serverUp.mockClear();
    await refused(); // that attempt is refused too: this wait (30 s) goes without probes
    await vi.advanceTimersByTimeAsync(10_000);
    expect(serverUp).not.toHaveBeenCalled();
    expect(FakeSocket.all).toHaveLength(before + 1);
  });

  it('stop() ends the countdown and the probes', async () => {
    const conn = start({ probing: true });
    await settle();
    latest().accept();
    latest().drop(1001);
    await settle();
    conn.stop();
    events.onState.mockClear();
    serverUp.mockClear();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events.onState).not.toHaveBeenCalled();
    expect(serverUp).not.toHaveBeenCalled();
    expect(FakeSocket.all).toHaveLength(1);
    expect(listeners.size).toBe(0);
  });
});
