/**
 * connect: open N authenticated sockets (tokens minted beforehand at BCRYPT_COST=4, so bcrypt is not
 * what is timed), a bounded number of handshakes in flight; time each from the first byte to the
 * server's `ready` frame. Then, with all N open, read the server's RSS. Repeated on one server,
 * closing everything in between.
 */
import { CpuWindow, rssBytes, waitForQuiet } from '../cpu.js';
import { LoadGenerator } from '../loadgen.js';
import type { BenchOptions } from '../options.js';
import { Histogram, medianOf, round } from '../stats.js';
import { rememberCredentialShape, startTarget, type TargetKind } from '../targets.js';

export interface ConnectRun {
  opened: number;
  failed: number;
  connectionsPerSecond: number;
  handshakeP50Ms: number;
  handshakeP99Ms: number;
  handshakeMaxMs: number;
  serverRssMb: number;
  rssPerSocketKb: number;
  serverCpuUsPerConnection: number;
  serverCores: number;
  loadCores: number;
  machineCores: number;
  kernelCores: number;
  otherCores: number;
}

export interface ConnectResult {
  target: TargetKind;
  sockets: number;
  users: number;
  concurrency: number;
  idleRssMb: number;
  failures: Record<string, number>;
  runs: ConnectRun[];
  median: ConnectRun;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;

export async function runConnect(kind: TargetKind, options: BenchOptions): Promise<ConnectResult> {
  const { sockets, users, concurrency, repeats } = options.connect;
  const target = await startTarget(kind, { bcryptCost: 4, sqliteSynchronous: options.sqliteSynchronous });
  const load = new LoadGenerator(options.workers);
  try {
    const credentials = await target.credentials('conn', Math.min(users, sockets));
    rememberCredentialShape(credentials[0]);
    const pid = target.nodes[0]!.pid;
    await sleep(500);
    const idleRss = rssBytes(pid);
    const cpu = new CpuWindow(target.serverPids, () => load.pids());
    const runs: ConnectRun[] = [];
    const failures: Record<string, number> = {};
    for (let run = 0; run < repeats; run++) {
      await waitForQuiet(target.serverPids, () => load.pids());
      cpu.start();
      const started = performance.now();
      const result = await load.openReceivers([target.nodes[0]!.wsUrl], credentials, sockets, concurrency, undefined);
      const seconds = (performance.now() - started) / 1000;
      const use = cpu.stop();
      await sleep(1000);
      const rss = rssBytes(pid);
      const handshake = Histogram.from([result.handshake]).summary();
      const failed = sockets - result.opened;
      for (const [reason, times] of Object.entries(result.failures)) failures[reason] = (failures[reason] ?? 0) + times;
      runs.push({
        opened: result.opened,
        failed,
        connectionsPerSecond: round(result.opened / seconds, 0),
        handshakeP50Ms: handshake.p50,
        handshakeP99Ms: handshake.p99,
        handshakeMaxMs: handshake.max,
        serverRssMb: round(rss / MB, 1),
        rssPerSocketKb: round((rss - idleRss) / 1024 / Math.max(1, result.opened), 1),
        serverCpuUsPerConnection: round((use.serverCpuSeconds * 1e6) / Math.max(1, result.opened), 0),
        serverCores: use.serverCores,
        loadCores: use.loadCores,
        machineCores: use.machineCores,
        kernelCores: use.kernelCores,
        otherCores: use.otherCores,
      });
      await load.closeSockets();
      await sleep(1000);
    }
    return {
      target: kind,
      sockets,
      users: Math.min(users, sockets),
      concurrency,
      idleRssMb: round(idleRss / MB, 1),
      failures,
      runs,
      median: medianOf(runs),
    };
  } finally {
    await load.stop();
    await target.stop();
  }
}
