/**
 * cluster: the fanout scenario over two Parley nodes sharing a temporary PostgreSQL database and a
 * Redis key prefix (both removed afterwards). Receivers and senders alternate between the nodes,
 * so half of every message crosses Redis. Server CPU is both nodes together; PostgreSQL and Redis
 * show up in the machine's "other" CPU.
 */
import type { BenchOptions } from '../options.js';
import { runFanout, type FanoutResult } from './fanout.js';

export function runCluster(options: BenchOptions, nodes = 2): Promise<FanoutResult> {
  return runFanout('parley', options, {
    nodes,
    sweep: true,
    referenceRuns: options.fanout.repeats,
    label: `Parley ×${nodes} (PostgreSQL + Redis)`,
    // Each node delivers its own senders' messages at once and the others' after a Redis hop, so
    // a receiver may see seq n+1 before n; counted and reported, but not a failure (clients sort by seq).
    strictOrder: false,
  });
}
