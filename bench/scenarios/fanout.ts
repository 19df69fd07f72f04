/**
 * fanout: N receivers and S senders in one room; the senders offer r messages/s in total (open
 * loop), every message goes to the N receivers and the other S-1 senders. Per step: deliveries/s,
 * end-to-end latency from scheduled send to arrival, loss / duplicates / reordering per receiver
 * (all must be zero), server CPU per delivery, and where the machine's CPU went.
 *
 * First the reference rate is repeated (the head-to-head figure, medians); then a sweep doubles the
 * rate until p99 goes over the limit or anything is lost, and bisects three times between the last pass and
 * the first failure, to find the highest rate that holds. Parley and the baseline are measured
 * side by side, in turns (`runFanoutSideBySide`).
 */
import { CpuWindow, rssBytes, waitForQuiet } from '../cpu.js';
import { LoadGenerator } from '../loadgen.js';
import type { BenchOptions } from '../options.js';
import { medianOf, round } from '../stats.js';
import { rememberCredentialShape, startTarget, type Target, type TargetKind } from '../targets.js';
import { cpuOver, logStep, RunningTotals, stepWindow, summarizeStep, type FanoutStep } from './step.js';

type StepWindow = ReturnType<typeof stepWindow>;

export type { FanoutStep } from './step.js';

export interface FanoutResult {
  target: TargetKind;
  label: string;
  nodes: number;
  receivers: number;
  senders: number;
  users: number;
  setupSeconds: number;
  /** Server CPU with every socket open and nothing sent (heartbeats, timers), in cores. */
  idleServerCores: number;
  reference: { rate: number; runs: FanoutStep[]; median: FanoutStep | undefined };
  sweep: FanoutStep[];
  /** Highest offered rate that passed: p99 under the limit, nothing lost, duplicated or reordered. */
  maxPassingRate: number | undefined;
}

export interface FanoutPlan {
  nodes?: number;
  nodeArgs?: string[];
  sweep: boolean;
  referenceRuns: number;
  measureMs?: number;
  label?: string;
}

const ROOM = 'general';
const DRAIN_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One target with its room full of sockets, ready to be measured step by step. */
export interface OpenFanout {
  kind: TargetKind;
  label: string;
  nodes: number;
  setupSeconds: number;
  idleServerCores: number;
  session: FanoutSession;
  target: Target;
  close(): Promise<void>;
}

export async function openFanout(kind: TargetKind, options: BenchOptions, plan: FanoutPlan): Promise<OpenFanout> {
  const setupStarted = performance.now();
  const target = await startTarget(kind, {
    bcryptCost: 4,
    nodes: plan.nodes ?? 1,
    nodeArgs: plan.nodeArgs ?? [],
    sqliteSynchronous: options.sqliteSynchronous,
  });
  const load = new LoadGenerator(options.workers);
  const close = async () => {
    await load.closeSockets().catch(() => undefined);
    await load.stop();
    await target.stop();
  };
  try {
    const o = options.fanout;
    const urls = target.nodes.map((node) => node.wsUrl);
    const receiverCredentials = await target.credentials('recv', Math.min(o.users, o.receivers));
    rememberCredentialShape(receiverCredentials[0]);
    const senderCredentials = await target.credentials('send', o.senders);
    const opened = await load.openReceivers(urls, receiverCredentials, o.receivers, 100, ROOM);
    if (opened.opened !== o.receivers) throw new Error(`receivers failed to join: ${JSON.stringify(opened.failures)}`);
    await load.openSenders(urls, senderCredentials, ROOM);
    const session = new FanoutSession(target, load, options, plan.measureMs ?? o.measureMs);
    await session.sync();
    const setupSeconds = round((performance.now() - setupStarted) / 1000, 1);
    const idleServerCores = await session.idle();
    const label = plan.label ?? (kind === 'parley' ? 'Parley' : 'baseline');
    return { kind, label, nodes: target.nodes.length, setupSeconds, idleServerCores, session, target, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function resultOf(open: OpenFanout, options: BenchOptions, runs: FanoutStep[], sweep: FanoutStep[]): FanoutResult {
  const o = options.fanout;
  const passing = sweep.filter((step) => step.passed).map((step) => step.rate);
  return {
    target: open.kind,
    label: open.label,
    nodes: open.nodes,
    receivers: o.receivers,
    senders: o.senders,
    users: Math.min(o.users, o.receivers),
    setupSeconds: open.setupSeconds,
    idleServerCores: open.idleServerCores,
    reference: { rate: o.referenceRate, runs, median: runs.length > 0 ? medianOf(runs) : undefined },
    sweep,
    maxPassingRate: passing.length > 0 ? Math.max(...passing) : undefined,
  };
}

/** One target alone (cluster, profile): warm-up, the reference rate `referenceRuns` times, then the sweep. */
export async function runFanout(kind: TargetKind, options: BenchOptions, plan: FanoutPlan): Promise<FanoutResult> {
  const open = await openFanout(kind, options, plan);
  try {
    return await measure([open], options, plan)[0]!;
  } finally {
    await open.close();
  }
}

/**
 * Several targets side by side, every one with its sockets open at once, measured in turns: each
 * repeat of the reference rate and each rate of the sweep runs on one target, then on the next. A
 * shared machine drifts over minutes; taking turns puts both servers under the same drift, so the
 * ratios compare like with like.
 */
export async function runFanoutSideBySide(
  kinds: TargetKind[],
  options: BenchOptions,
  plan: FanoutPlan,
): Promise<Partial<Record<TargetKind, FanoutResult>>> {
  const opened: OpenFanout[] = [];
  try {
    for (const kind of kinds) {
      console.log(`-- ${kind}: opening ${options.fanout.receivers} receivers`);
      opened.push(await openFanout(kind, options, plan));
    }
    const results = await Promise.all(measure(opened, options, plan));
    return Object.fromEntries(results.map((result) => [result.target, result]));
  } finally {
    for (const open of opened) await open.close();
  }
}

/** Runs the plan's steps on the open targets in turns; one promise of a result per target. */
function measure(opened: OpenFanout[], options: BenchOptions, plan: FanoutPlan): Promise<FanoutResult>[] {
  const o = options.fanout;
  const all = (async () => {
    // One unreported step first: JIT, caches and the first GCs after set-up are not the steady state.
    for (const open of opened) await open.session.step(o.referenceRate, 'warm-up');
    const runs = opened.map((): FanoutStep[] => []);
    for (let run = 0; run < plan.referenceRuns; run++) {
      for (const [index, open] of opened.entries()) runs[index]!.push(await open.session.step(o.referenceRate));
    }
    const sweeps = opened.map(() => new Sweep(options));
    const steps = opened.map((): FanoutStep[] => []);
    while (plan.sweep) {
      let stepped = false;
      for (const [index, open] of opened.entries()) {
        const rate = sweeps[index]!.next();
        if (rate === undefined) continue;
        const step = await open.session.stepWithRetry(rate);
        sweeps[index]!.record(step);
        steps[index]!.push(step);
        stepped = true;
      }
      if (!stepped) break;
    }
    return opened.map((open, index) => resultOf(open, options, runs[index]!, steps[index]!));
  })();
  return opened.map((_, index) => all.then((results) => results[index]!));
}

const BISECTIONS = 3;

/**
 * The rates to try: the listed ones, then doubling while each passes; after the first failure,
 * three bisections between the last pass and it (unless sockets were closed: the room changed), which
 * brackets the highest passing rate within about 10 %.
 */
class Sweep {
  private index = 0;
  private lastPass: number | undefined;
  private firstFail: number | undefined;
  private bisections = 0;
  private socketsClosed = false;

  constructor(private readonly options: BenchOptions) {}

  next(): number | undefined {
    const { rates, maxRate } = this.options.fanout;
    if (this.firstFail === undefined) {
      const rate = rates[this.index] ?? (this.lastPass ?? rates.at(-1) ?? 50) * 2;
      return rate > maxRate ? undefined : rate;
    }
    if (this.bisections >= BISECTIONS || this.lastPass === undefined || this.socketsClosed) return undefined;
    const middle = niceRate(Math.sqrt(this.lastPass * this.firstFail));
    return middle <= this.lastPass || middle >= this.firstFail ? undefined : middle;
  }

  record(step: FanoutStep): void {
    if (step.closed > 0) this.socketsClosed = true;
    if (this.firstFail !== undefined) this.bisections++;
    else this.index++;
    if (step.passed) this.lastPass = step.rate;
    else this.firstFail = step.rate;
  }
}

/** Two significant figures, so rates read well in a table. */
function niceRate(rate: number): number {
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(rate)) - 1);
  return Math.round(rate / magnitude) * magnitude;
}

/** One room with its sockets open, measured one step at a time. */
class FanoutSession {
  private readonly totals = new RunningTotals();
  private readonly cpu: CpuWindow;

  constructor(
    private readonly target: Target,
    private readonly load: LoadGenerator,
    private readonly options: BenchOptions,
    private readonly measureMs: number,
  ) {
    this.cpu = new CpuWindow(target.serverPids, () => load.pids());
  }

  /**
   * This machine is shared and noisy: a step that failed on latency alone (nothing lost, nothing
   * closed) is run once more, and the second try counts. Both are reported.
   */
  async stepWithRetry(rate: number): Promise<FanoutStep> {
    const first = await this.step(rate);
    const latencyOnly = first.lost + first.duplicates + first.closed + first.unacked + first.errors === 0;
    if (first.passed || !latencyOnly) return first;
    const second = await this.step(rate);
    return { ...second, attempts: 2, firstTry: first.why };
  }

  /** One message that every receiver must see: it fixes where each socket's seq count starts. */
  async sync(): Promise<void> {
    await this.load.sender.call('sync', undefined);
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const progress = await this.load.progress();
      if (progress.synced >= this.options.fanout.receivers) break;
      if (performance.now() > deadline) throw new Error(`only ${progress.synced} receivers saw the sync message`);
      await sleep(50);
    }
    // Let the presence diffs of everyone joining settle before measuring.
    await sleep(1000);
  }

  /** Server CPU over two seconds with all sockets open and no traffic. */
  async idle(): Promise<number> {
    await waitForQuiet(this.target.serverPids, () => this.load.pids());
    this.cpu.start();
    await sleep(2000);
    return this.cpu.stop().serverCores;
  }

  /** `during`, if given, runs beside the step from its start (other load on the node: uploads). */
  async step(rate: number, note = '', during?: (window: StepWindow) => Promise<void>): Promise<FanoutStep> {
    const o = this.options.fanout;
    await waitForQuiet(this.target.serverPids, () => this.load.pids());
    const { startUs, windowStartUs, windowEndUs } = stepWindow(o.warmupMs, this.measureMs);
    const beside = during?.({ startUs, windowStartUs, windowEndUs });
    await Promise.all(
      this.load.receivers.map((receiver) => receiver.call('window', { startUs: windowStartUs, endUs: windowEndUs })),
    );
    const cpuDone = cpuOver(this.cpu, windowStartUs, windowEndUs);
    const sent = await this.load.sender.call('run', {
      rate,
      startUs,
      endUs: windowEndUs,
      windowStartUs,
      windowEndUs,
      fillerChars: o.fillerChars,
    });
    const cpu = await cpuDone;
    await beside;
    const rss = rssBytes(this.target.nodes[0]!.pid);
    await this.drain(sent.maxSeq);
    const received = await this.load.report(sent.maxSeq);

    const delta = this.totals.since(received);
    const step = summarizeStep({
      rate,
      measureMs: this.measureMs,
      offeredDeliveriesPerSecond: rate * (o.receivers + o.senders - 1),
      deliveries: received.windowDeliveries + sent.windowDeliveries,
      latency: received.latency,
      sent,
      delta,
      closedByCode: received.closed,
      cpu,
      rss,
      p99LimitMs: o.p99LimitMs,
      windowStartUs,
      windowEndUs,
    });
    logStep(this.target.kind, step, note);
    return step;
  }

  /** Waits until every open receiver has seen `upToSeq` (or gives up; what is missing counts as lost). */
  private async drain(upToSeq: number): Promise<void> {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const progress = await this.load.progress();
      if (progress.open === 0 || progress.minSeq >= upToSeq) return;
      await sleep(50);
    }
  }
}
