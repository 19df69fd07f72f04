/**
 * login: a bounded number of password logins at the configured bcrypt cost (default 12), a few at a
 * time, while a probe outside the server pings `GET /health` back to back. The probe's latency is
 * the event loop's delay as a client feels it: bcrypt must run off the loop, so it should barely
 * move. Measured once idle, then during the logins.
 */
import { Agent, request } from 'node:http';
import { BENCH_PASSWORD, mapLimited, register } from '../accounts.js';
import { CpuWindow, waitForQuiet } from '../cpu.js';
import type { BenchOptions } from '../options.js';
import { Histogram, medianOf, nowUs, round } from '../stats.js';
import { startTarget, type TargetKind } from '../targets.js';

export interface LoginRun {
  logins: number;
  failed: number;
  loginsPerSecond: number;
  loginP50Ms: number;
  loginP99Ms: number;
  healthIdleP50Ms: number;
  healthIdleP99Ms: number;
  healthP50Ms: number;
  healthP99Ms: number;
  healthMaxMs: number;
  serverCpuMsPerLogin: number;
  serverCores: number;
  loadCores: number;
  machineCores: number;
  otherCores: number;
}

export interface LoginResult {
  target: TargetKind;
  cost: number;
  concurrency: number;
  runs: LoginRun[];
  median: LoginRun;
}

const IDLE_PROBE_MS = 1500;

export async function runLogin(kind: TargetKind, options: BenchOptions): Promise<LoginResult> {
  const { count, concurrency, cost, repeats } = options.login;
  const target = await startTarget(kind, { bcryptCost: cost, sqliteSynchronous: options.sqliteSynchronous });
  try {
    const base = target.nodes[0]!.url;
    const names = Array.from({ length: concurrency }, (_, index) => `login_${index}`);
    if (kind === 'parley') await Promise.all(names.map((name) => register(base, name)));
    const cpu = new CpuWindow(target.serverPids, () => [process.pid]);
    const runs: LoginRun[] = [];
    for (let run = 0; run < repeats; run++) {
      await waitForQuiet(target.serverPids, () => [process.pid]);
      const idle = await probeWhile(base, new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS)));
      const latencies = new Histogram();
      let failed = 0;
      cpu.start();
      const started = performance.now();
      const jobs = Array.from({ length: count }, (_, index) => names[index % names.length]!);
      const busy = await probeWhile(
        base,
        mapLimited(jobs, concurrency, async (username) => {
          const begun = nowUs();
          const response = await fetch(`${base}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: BENCH_PASSWORD }),
          });
          await response.arrayBuffer();
          if (response.status === 200) latencies.record(nowUs() - begun);
          else failed++;
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const use = cpu.stop();
      const login = latencies.summary();
      runs.push({
        logins: count,
        failed,
        loginsPerSecond: round(latencies.count / seconds, 2),
        loginP50Ms: round(login.p50, 1),
        loginP99Ms: round(login.p99, 1),
        healthIdleP50Ms: idle.p50,
        healthIdleP99Ms: idle.p99,
        healthP50Ms: busy.p50,
        healthP99Ms: busy.p99,
        healthMaxMs: busy.max,
        serverCpuMsPerLogin: round((use.serverCpuSeconds * 1000) / Math.max(1, latencies.count), 1),
        serverCores: use.serverCores,
        loadCores: use.loadCores,
        machineCores: use.machineCores,
        otherCores: use.otherCores,
      });
    }
    return { target: kind, cost, concurrency, runs, median: medianOf(runs) };
  } finally {
    await target.stop();
  }
}

/** Pings /health one request at a time on a kept-alive connection until `work` settles. */
async function probeWhile(base: string, work: Promise<unknown>): Promise<ReturnType<Histogram['summary']>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = new Histogram();
  let done = false;
  const finished = work.finally(() => (done = true));
  const probe = (async () => {
    while (!done) {
      const begun = nowUs();
      await get(`${base}/health`, agent);
      latencies.record(nowUs() - begun);
    }
  })();
  await Promise.all([finished, probe]);
  agent.destroy();
  return latencies.summary();
}

function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}
