/**
 * The load generator as the runner sees it: several receiver processes and one sender process,
 * forked for one scenario and stopped after it. Its CPU is that of all of them plus the runner.
 */
import type { Credential } from './accounts.js';
import { onExit } from './cleanup.js';
import { Histogram } from './stats.js';
import type { OpenResult, ReceiverApi, ReceiverReport } from './workers/receiver.js';
import { WorkerProcess } from './workers/rpc.js';
import type { SenderApi } from './workers/sender.js';
import type { OpenRequest } from './workers/socket.js';

const HANDSHAKE_TIMEOUT_MS = 30_000;

export class LoadGenerator {
  readonly receivers: WorkerProcess<ReceiverApi>[];
  readonly sender: WorkerProcess<SenderApi>;
  private readonly forget: () => void;

  constructor(receiverProcesses: number) {
    this.receivers = Array.from(
      { length: receiverProcesses },
      (_, index) =>
        new WorkerProcess<ReceiverApi>(new URL('./workers/receiver.ts', import.meta.url), `receiver#${index}`),
    );
    this.sender = new WorkerProcess<SenderApi>(new URL('./workers/sender.ts', import.meta.url), 'sender');
    this.forget = onExit(() => this.stop());
  }

  pids(): number[] {
    return [process.pid, this.sender.pid, ...this.receivers.map((receiver) => receiver.pid)];
  }

  /** Spreads the sockets over the receiver processes (and the servers' URLs) and opens them all. */
  async openReceivers(
    urls: string[],
    credentials: Credential[],
    count: number,
    concurrency: number,
    room: string | undefined,
  ): Promise<OpenResult> {
    const shares: OpenRequest[][] = this.receivers.map(() => []);
    for (let index = 0; index < count; index++) {
      shares[index % shares.length]!.push({
        url: urls[index % urls.length]!,
        credential: credentials[index % credentials.length]!,
        ...(room === undefined ? {} : { room }),
        timeoutMs: HANDSHAKE_TIMEOUT_MS,
      });
    }
    const perProcess = Math.max(1, Math.ceil(concurrency / this.receivers.length));
    const results = await Promise.all(
      this.receivers.map((receiver, index) =>
        receiver.call('open', { requests: shares[index]!, concurrency: perProcess, track: room !== undefined }),
      ),
    );
    const failures: Record<string, number> = {};
    for (const result of results) {
      for (const [reason, times] of Object.entries(result.failures)) failures[reason] = (failures[reason] ?? 0) + times;
    }
    return {
      opened: results.reduce((sum, result) => sum + result.opened, 0),
      failures,
      handshake: Histogram.from(results.map((result) => result.handshake)).toData(),
      elapsedMs: Math.max(...results.map((result) => result.elapsedMs)),
    };
  }

  async openSenders(urls: string[], credentials: Credential[], room: string): Promise<void> {
    const requests = credentials.map((credential, index) => ({
      url: urls[index % urls.length]!,
      credential,
      room,
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
    }));
    await this.sender.call('open', { requests, concurrency: requests.length });
  }

  async progress(): Promise<{ synced: number; minSeq: number; open: number }> {
    const parts = await Promise.all(this.receivers.map((receiver) => receiver.call('progress', undefined)));
    return {
      synced: parts.reduce((sum, part) => sum + part.synced, 0),
      minSeq: Math.min(...parts.map((part) => (part.open === 0 ? Number.MAX_SAFE_INTEGER : part.minSeq))),
      open: parts.reduce((sum, part) => sum + part.open, 0),
    };
  }

  async report(upToSeq: number): Promise<ReceiverReport> {
    const parts = await Promise.all(this.receivers.map((receiver) => receiver.call('report', { upToSeq })));
    const closed: Record<string, number> = {};
    for (const part of parts) {
      for (const [code, times] of Object.entries(part.closed)) closed[code] = (closed[code] ?? 0) + times;
    }
    const sum = (pick: (part: ReceiverReport) => number) => parts.reduce((total, part) => total + pick(part), 0);
    return {
      sockets: sum((part) => part.sockets),
      windowDeliveries: sum((part) => part.windowDeliveries),
      deliveries: sum((part) => part.deliveries),
      latency: Histogram.from(parts.map((part) => part.latency)).toData(),
      lost: sum((part) => part.lost),
      duplicates: sum((part) => part.duplicates),
      outOfOrder: sum((part) => part.outOfOrder),
      closed,
      socketsWithErrors: sum((part) => part.socketsWithErrors),
    };
  }

  async closeSockets(): Promise<void> {
    await Promise.all([
      ...this.receivers.map((receiver) => receiver.call('close', undefined)),
      this.sender.call('close', undefined),
    ]);
  }

  async stop(): Promise<void> {
    this.forget();
    await Promise.all([...this.receivers.map((receiver) => receiver.stop()), this.sender.stop()]);
  }
}
