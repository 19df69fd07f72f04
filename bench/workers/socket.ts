/**
 * One authenticated client socket as a browser opens it: subprotocols `parley.v1` and
 * `parley.auth.<token>`, the fingerprint cookie, no Origin. Resolves once the server's `ready` frame
 * (and, when a room is given, the `joined` frame) has arrived; every later frame goes to `onLive`,
 * installed in the same listener so no frame slips between joining and counting.
 */
import WebSocket from 'ws';
import type { Credential } from '../accounts.js';
import { nowUs } from '../stats.js';

export interface OpenRequest {
  url: string;
  credential: Credential;
  room?: string;
  timeoutMs: number;
}

export interface OpenSocket {
  ws: WebSocket;
  /** From creating the socket to its `ready` frame. */
  handshakeUs: number;
  /** The `joined` frame's text, when a room was joined. */
  joined?: string;
}

export const startsWith = (data: Buffer, prefix: Buffer): boolean =>
  data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

const READY = Buffer.from('{"type":"ready"');
const JOINED = Buffer.from('{"type":"joined"');

export function openSocket(
  request: OpenRequest,
  onLive: (data: Buffer) => void,
  onClose: (code: number) => void,
): Promise<OpenSocket> {
  const started = nowUs();
  const ws = new WebSocket(request.url, ['parley.v1', `parley.auth.${request.credential.accessToken}`], {
    headers: { cookie: request.credential.cookie },
    perMessageDeflate: false,
    skipUTF8Validation: true,
    handshakeTimeout: request.timeoutMs,
  });
  return new Promise((resolve, reject) => {
    let phase: 'ready' | 'joined' | 'live' = 'ready';
    let handshakeUs = 0;
    const timer = setTimeout(() => fail(new Error('timeout')), request.timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (phase !== 'live') {
        phase = 'live';
        ws.terminate();
        reject(error);
      }
    };
    ws.on('message', (data: Buffer) => {
      if (phase === 'live') return onLive(data);
      if (phase === 'ready') {
        if (!startsWith(data, READY)) return fail(new Error(`unexpected first frame ${String(data).slice(0, 80)}`));
        handshakeUs = nowUs() - started;
        if (request.room === undefined) {
          phase = 'live';
          clearTimeout(timer);
          return resolve({ ws, handshakeUs });
        }
        phase = 'joined';
        ws.send(JSON.stringify({ type: 'join', room: request.room }));
        return;
      }
      if (startsWith(data, JOINED)) {
        phase = 'live';
        clearTimeout(timer);
        resolve({ ws, handshakeUs, joined: data.toString('utf8') });
      } else if (data.includes('"type":"error"')) {
        fail(new Error(`join refused: ${String(data).slice(0, 200)}`));
      }
    });
    ws.on('error', (error) => fail(error));
    ws.on('close', (code) => {
      if (phase === 'live') onClose(code);
      else fail(new Error(`closed ${code} before ${phase}`));
    });
  });
}

/** Closes every socket and waits for them to go (terminating stragglers after 5 s). */
export async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => ws.terminate(), 5000);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          if (ws.readyState === WebSocket.OPEN) ws.close(1000);
          else if (ws.readyState !== WebSocket.CLOSING) ws.terminate();
        }),
    ),
  );
}

/** Reads the decimal integer starting at `at` (stops at the first non-digit). */
export function readInt(data: Buffer, at: number): number {
  let value = 0;
  for (let index = at; index < data.length; index++) {
    const byte = data[index]!;
    if (byte < 0x30 || byte > 0x39) break;
    value = value * 10 + (byte - 0x30);
  }
  return value;
}

/** Opens many sockets, at most `concurrency` handshakes in flight; failures are counted by reason. */
export async function openMany<T>(
  requests: OpenRequest[],
  concurrency: number,
  open: (request: OpenRequest) => Promise<T>,
): Promise<{ opened: T[]; failures: Record<string, number> }> {
  const opened: T[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      try {
        opened.push(await open(request));
      } catch (error) {
        const reason = error instanceof Error ? error.message.slice(0, 80) : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, requests.length)) }, lane));
  return { opened, failures };
}

/**
 * Sends on an open-loop schedule: message i is due at start + i / rate (messages/s), whatever the
 * server answers, so a slow server shows up as latency rather than as a politely slower sender.
 * `send(i, scheduledUs)` sends message i; answers how many were sent and how far behind schedule the
 * load generator itself fell (its own limit), in µs.
 */
export function openLoop(
  params: { rate: number; startUs: number; endUs: number },
  send: (index: number, scheduledUs: number) => void,
): Promise<{ sent: number; maxLateUs: number }> {
  const total = Math.floor(((params.endUs - params.startUs) * params.rate) / 1e6);
  let sent = 0;
  let maxLateUs = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = nowUs();
      // Message i is due at start + i / rate: at time t, floor(t · rate) + 1 of them are.
      const due = Math.min(total, Math.floor(((now - params.startUs) * params.rate) / 1e6) + 1);
      while (sent < due) {
        const scheduled = params.startUs + Math.round((sent * 1e6) / params.rate);
        maxLateUs = Math.max(maxLateUs, now - scheduled);
        send(sent, scheduled);
        sent++;
      }
      if (sent >= total) resolve({ sent, maxLateUs });
      else setTimeout(tick, 1);
    };
    setTimeout(tick, Math.max(0, (params.startUs - nowUs()) / 1000));
  });
}
