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
    // Each node delivers its own senders' messages at once and the others' after a Redis hop; RoomOrder
    // (ADR 0012) puts them back in seq order, so reordering fails a step here as on one node.
    label: `Parley ×${nodes} (PostgreSQL + Redis)`,
  });
}
