/** The reconnect loop follows the close codes: a fake WebSocket and fake timers drive it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConnection, type AuthCheck, type ConnState } from '../src/connection.js';

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
  onState: vi.fn<(state: ConnState, detail: string) => void>(),
  onDown: vi.fn(),
  onSessionEnded: vi.fn(),
  onStopped: vi.fn<(reason: string) => void>(),
};

function start() {
  const conn = createConnection({ url: 'ws://parley.test/api/v1/ws', token: () => token, renew, probe, events });
  conn.start();
  return conn;
}
const latest = () => FakeSocket.all.at(-1)!;
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1); // the longest delay of each backoff step
  FakeSocket.all = [];
  token = 'token-1';
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('window', { addEventListener: vi.fn(), removeEventListener: vi.fn() });
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

  it('1001 and 4408: reconnects by itself after a short jittered delay', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(1001);
    await settle();
    expect(events.onState).toHaveBeenLastCalledWith('offline', expect.stringContaining('server restarting'));
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

  it('4403: stops and says why', async () => {
    start();
    await settle();
    latest().accept();
    latest().drop(4403);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events.onStopped).toHaveBeenCalledWith('You are banned from this server.');
    expect(FakeSocket.all).toHaveLength(1);
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
      await vi.advanceTimersByTimeAsync(31_000);
    }
    expect(FakeSocket.all).toHaveLength(7);
    expect(probe).toHaveBeenCalledTimes(6);
  });
});
