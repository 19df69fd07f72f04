/**
 * CPU and memory as Linux accounts them: per process from /proc/<pid>/stat (utime + stime, in clock
 * ticks) and /proc/<pid>/status (VmRSS), for the whole machine from the first line of /proc/stat.
 * A window takes a snapshot at its start and end and reports each party in cores (1.0 = one core
 * busy for the whole window), so server, load generator and the rest of the machine add up.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round } from './stats.js';

function readClockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

export const CLK_TCK = readClockTicks();

/** User and system (kernel, on its behalf) CPU seconds of one process, all its threads; 0 once it is gone. */
export function processCpu(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields we want follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** user + system CPU seconds of one process (all its threads); 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  const { user, system } = processCpu(pid);
  return user + system;
}

/** Resident set size in bytes; 0 once the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface MachineTicks {
  total: number;
  idle: number;
  kernel: number;
}

function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return {
    total: user + nice + system + idle + iowait + irq + softirq + steal,
    idle: idle + iowait,
    kernel: system + irq + softirq,
  };
}

export interface CpuUse {
  seconds: number;
  /** Cores busy on average over the window. */
  serverCores: number;
  loadCores: number;
  machineCores: number;
  /** Kernel time (system + irq + softirq) of the whole machine, in cores: part of machineCores. */
  kernelCores: number;
  /** machineCores minus server and load generator: databases, Redis, everything else. */
  otherCores: number;
  /** Server CPU seconds in the window (for per-event costs). */
  serverCpuSeconds: number;
  /** The part of serverCpuSeconds spent in the kernel (system time: socket writes, mostly). */
  serverSystemSeconds: number;
}

interface Snapshot {
  at: number;
  server: number;
  serverSystem: number;
  load: number;
  machine: MachineTicks;
}

/** Measures CPU between start() and stop() for the server pids and the load-generator pids. */
export class CpuWindow {
  private begin: Snapshot | undefined;

  constructor(
    private readonly serverPids: () => number[],
    private readonly loadPids: () => number[],
  ) {}

  private snapshot(): Snapshot {
    const sum = (pids: number[]) => pids.reduce((total, pid) => total + processCpuSeconds(pid), 0);
    const server = this.serverPids().map(processCpu);
    return {
      at: performance.now(),
      server: server.reduce((total, cpu) => total + cpu.user + cpu.system, 0),
      serverSystem: server.reduce((total, cpu) => total + cpu.system, 0),
      load: sum(this.loadPids()),
      machine: machineTicks(),
    };
  }

  start(): void {
    this.begin = this.snapshot();
  }

  stop(): CpuUse {
    const begin = this.begin;
    if (!begin) throw new Error('CpuWindow.stop before start');
    const end = this.snapshot();
    const seconds = (end.at - begin.at) / 1000;
    const cores = (cpuSeconds: number) => round(cpuSeconds / seconds, 3);
    const ticks = end.machine.total - begin.machine.total;
    const share = (delta: number) => (ticks > 0 ? delta / ticks : 0);
    // /proc/stat counts ticks of every CPU: its share times the CPU count is cores.
    const cpus = machineCpuCount();
    const machineCores = round(share(ticks - (end.machine.idle - begin.machine.idle)) * cpus, 3);
    const serverCores = cores(end.server - begin.server);
    const loadCores = cores(end.load - begin.load);
    return {
      seconds: round(seconds, 3),
      serverCores,
      loadCores,
      machineCores,
      kernelCores: round(share(end.machine.kernel - begin.machine.kernel) * cpus, 3),
      otherCores: round(Math.max(0, machineCores - serverCores - loadCores), 3),
      serverCpuSeconds: end.server - begin.server,
      serverSystemSeconds: end.serverSystem - begin.serverSystem,
    };
  }
}

let cpuCount: number | undefined;
function machineCpuCount(): number {
  cpuCount ??= readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line)).length;
  return cpuCount;
}

/** Above this many cores used by other processes, a measurement waits (see waitForQuiet). */
const QUIET_CORES = 0.4;
/** Longest a whole run waits for quiet, in total; after that it measures whatever the machine does. */
let quietBudgetMs = 120_000;

export function setQuietBudget(seconds: number): void {
  quietBudgetMs = seconds * 1000;
}

/**
 * On a shared machine, other processes (a test suite, a compiler) can take a core for seconds:
 * before each measurement, wait until they use less than QUIET_CORES for half a second, within a
 * run-wide budget. Returns the other processes' cores when the measurement starts.
 */
export async function waitForQuiet(serverPids: () => number[], loadPids: () => number[]): Promise<number> {
  const started = performance.now();
  for (;;) {
    const window = new CpuWindow(serverPids, loadPids);
    window.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const other = window.stop().otherCores;
    const waited = performance.now() - started;
    if (other < QUIET_CORES || waited >= quietBudgetMs) {
      quietBudgetMs = Math.max(0, quietBudgetMs - waited);
      if (waited > 1000) console.log(`   (waited ${Math.round(waited / 1000)} s for other processes to quieten)`);
      return other;
    }
  }
}
