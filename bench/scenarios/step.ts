/**
 * One measured step of a delivery scenario (fanout, rooms): its timeline, the CPU used in its window,
 * the problems counted in it, and the figures and verdict it gives.
 */
import type { CpuUse, CpuWindow } from '../cpu.js';
import { Histogram, nowUs, round, type HistogramData } from '../stats.js';
import type { TargetKind } from '../targets.js';
import type { ReceiverReport } from '../workers/receiver.js';
import type { SenderReport } from '../workers/sender.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FanoutStep {
  rate: number;
  sent: number;
  acked: number;
  unacked: number;
  errors: number;
  offeredDeliveriesPerSecond: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  ackP50Ms: number;
  ackP99Ms: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  closed: number;
  serverCpuUsPerDelivery: number;
  /** The kernel's part of serverCpuUsPerDelivery (system time); the rest is the server's own code. */
  serverSystemUsPerDelivery: number;
  serverCpuUsPerMessage: number;
  serverCores: number;
  loadCores: number;
  machineCores: number;
  kernelCores: number;
  otherCores: number;
  serverRssMb: number;
  senderMaxLateMs: number;
  /** 2 when the first try failed on latency alone and the step was run again (see `firstTry`). */
  attempts: number;
  firstTry?: string;
  /** Hi-res window of the measurement (µs, CLOCK_MONOTONIC), e.g. to cut a CPU profile. */
  windowStartUs: number;
  windowEndUs: number;
  passed: boolean;
  why: string;
}

/** A step's timeline on the monotonic clock (µs): it starts a moment from now, warms up, then is measured. */
export function stepWindow(
  warmupMs: number,
  measureMs: number,
): { startUs: number; windowStartUs: number; windowEndUs: number } {
  const startUs = nowUs() + 300_000;
  const windowStartUs = startUs + warmupMs * 1000;
  return { startUs, windowStartUs, windowEndUs: windowStartUs + measureMs * 1000 };
}

/** The CPU used between two instants of the monotonic clock (µs), measured as they pass. */
export async function cpuOver(cpu: CpuWindow, startUs: number, endUs: number): Promise<CpuUse> {
  await sleep((startUs - nowUs()) / 1000);
  cpu.start();
  await sleep((endUs - nowUs()) / 1000);
  return cpu.stop();
}

/** Receivers count problems from the start of the run; each step reports only its own. */
export class RunningTotals {
  private totals = { lost: 0, duplicates: 0, outOfOrder: 0, closed: 0 };

  since(received: Pick<ReceiverReport, 'lost' | 'duplicates' | 'outOfOrder' | 'closed'>): StepInput['delta'] {
    const now = {
      lost: received.lost,
      duplicates: received.duplicates,
      outOfOrder: received.outOfOrder,
      closed: Object.values(received.closed).reduce((sum, times) => sum + times, 0),
    };
    const delta = {
      lost: now.lost - this.totals.lost,
      duplicates: now.duplicates - this.totals.duplicates,
      outOfOrder: now.outOfOrder - this.totals.outOfOrder,
      closed: now.closed - this.totals.closed,
    };
    this.totals = now;
    return delta;
  }
}

export interface StepInput {
  rate: number;
  measureMs: number;
  offeredDeliveriesPerSecond: number;
  /** `message` frames that arrived inside the window, at every socket. */
  deliveries: number;
  latency: HistogramData;
  sent: Pick<SenderReport, 'sent' | 'acked' | 'unacked' | 'errors' | 'ack' | 'maxLateMs'>;
  /** Problems counted during this step only. */
  delta: { lost: number; duplicates: number; outOfOrder: number; closed: number };
  closedByCode: Record<string, number>;
  cpu: CpuUse;
  rss: number;
  p99LimitMs: number;
  windowStartUs: number;
  windowEndUs: number;
}

/** One measured step's figures and verdict, from what the load generator and /proc reported. */
export function summarizeStep(input: StepInput): FanoutStep {
  const { rate, sent, delta, cpu, deliveries } = input;
  const latency = Histogram.from([input.latency]).summary();
  const ack = Histogram.from([sent.ack]).summary();
  const seconds = input.measureMs / 1000;
  const errors = Object.values(sent.errors).reduce((sum, times) => sum + times, 0);
  const problems = [
    latency.p99 > input.p99LimitMs ? `p99 ${latency.p99} ms` : '',
    delta.lost > 0 ? `lost ${delta.lost}` : '',
    delta.duplicates > 0 ? `duplicated ${delta.duplicates}` : '',
    delta.outOfOrder > 0 ? `out of order ${delta.outOfOrder}` : '',
    delta.closed > 0 ? `closed ${JSON.stringify(input.closedByCode)}` : '',
    sent.unacked > 0 ? `unacked ${sent.unacked}` : '',
    errors > 0 ? `errors ${JSON.stringify(sent.errors)}` : '',
  ].filter((problem) => problem.length > 0);
  return {
    rate,
    sent: sent.sent,
    acked: sent.acked,
    unacked: sent.unacked,
    errors,
    offeredDeliveriesPerSecond: input.offeredDeliveriesPerSecond,
    deliveriesPerSecond: round(deliveries / seconds, 0),
    p50Ms: latency.p50,
    p95Ms: latency.p95,
    p99Ms: latency.p99,
    maxMs: latency.max,
    ackP50Ms: ack.p50,
    ackP99Ms: ack.p99,
    ...delta,
    serverCpuUsPerDelivery: round((cpu.serverCpuSeconds * 1e6) / Math.max(1, deliveries), 2),
    serverSystemUsPerDelivery: round((cpu.serverSystemSeconds * 1e6) / Math.max(1, deliveries), 2),
    serverCpuUsPerMessage: round((cpu.serverCpuSeconds * 1e6) / Math.max(1, rate * seconds), 0),
    serverCores: cpu.serverCores,
    loadCores: cpu.loadCores,
    machineCores: cpu.machineCores,
    kernelCores: cpu.kernelCores,
    otherCores: cpu.otherCores,
    serverRssMb: round(input.rss / 1024 / 1024, 1),
    senderMaxLateMs: round(sent.maxLateMs, 1),
    attempts: 1,
    windowStartUs: input.windowStartUs,
    windowEndUs: input.windowEndUs,
    passed: problems.length === 0,
    why: problems.join(', '),
  };
}

export function logStep(kind: TargetKind, step: FanoutStep, note = ''): void {
  console.log(
    `  ${kind} ${String(step.rate).padStart(6)} msg/s: ${step.deliveriesPerSecond} deliveries/s, ` +
      `p99 ${step.p99Ms} ms, ${step.serverCpuUsPerDelivery} µs/delivery (kernel ${step.serverSystemUsPerDelivery}), ` +
      `other processes ${step.otherCores} cores ` +
      `${step.passed ? 'ok' : `FAIL (${step.why})`}` +
      (note ? ` [${note}]` : ''),
  );
}
