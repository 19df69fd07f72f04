import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClientFrameType, ErrorCode } from '../../../protocol/index.js';
import type { BusEventKind, DependencyName, Metrics, RevocationReason, SocketCloseReason } from '../ports/metrics.js';

/** A probe that has not answered within this long counts as down (a scrape must not hang). */
const PROBE_TIMEOUT_MS = 2000;

/**
 * Counts in plain numbers, keyed by the label values joined; the Prometheus counter reads them at
 * scrape time. An increment on the hot path is then one Map update: no label validation, no
 * hashing, no allocation once the key exists (prom-client's own `inc` does all three).
 */
class Tally {
  private readonly counts = new Map<string, { labels: Record<string, string>; value: number }>();

  constructor(
    registry: Registry,
    name: string,
    help: string,
    private readonly labelNames: readonly string[] = [],
  ) {
    const counts = this.counts;
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, value } of counts.values()) this.inc(labels, value);
      },
    });
  }

  add(key: string, value = 1, ...labelValues: string[]): void {
    const entry = this.counts.get(key);
    if (entry) entry.value += value;
    else this.counts.set(key, { labels: this.labelsOf(labelValues.length === 0 ? [key] : labelValues), value });
  }

  /** Shows a series at 0 before it first moves, so rates and alerts see it from the start. */
  declare(...labelValues: string[]): void {
    const key = labelValues.join(' ');
    if (!this.counts.has(key)) this.counts.set(key, { labels: this.labelsOf(labelValues), value: 0 });
  }

  private labelsOf(values: readonly string[]): Record<string, string> {
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
    return labels;
  }
}

/**
 * The Metrics port over prom-client, with a Registry of its own (never the global default one), so
 * several apps in one process (the tests) each count their own. Node's default process metrics go
 * into the same registry.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  readonly timesFanOut = true;
  private openSockets = 0;
  private readonly connects: Tally;
  private readonly closes: Tally;
  private readonly refusals: Tally;
  private readonly framesIn: Tally;
  private readonly stored: Tally;
  private readonly delivered: Tally;
  private readonly acks: Tally;
  private readonly errors: Tally;
  private readonly limited: Tally;
  private readonly logins: Tally;
  private readonly reuses: Tally;
  private readonly revocations: Tally;
  private readonly slowConsumers: Tally;
  private readonly published: Tally;
  private readonly received: Tally;
  private readonly httpRequests: Tally;
  private readonly fanOut: Histogram;
  private readonly storeAppend: Histogram;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly probes = new Map<DependencyName, () => Promise<void>>();

  constructor() {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    const openSockets = () => this.openSockets;
    const probes = this.probes;
    new Gauge({
      name: 'parley_ws_open_sockets',
      help: 'WebSockets open on this node.',
      registers: [r],
      collect() {
        this.set(openSockets());
      },
    });
    this.connects = new Tally(r, 'parley_ws_connects_total', 'WebSockets accepted.');
    this.connects.declare('');
    this.closes = new Tally(r, 'parley_ws_closes_total', 'WebSockets ended, by reason.', ['reason']);
    this.refusals = new Tally(r, 'parley_ws_refusals_total', 'Upgrade requests refused, by error code.', ['code']);
    this.framesIn = new Tally(r, 'parley_ws_frames_in_total', 'Frames received, by type.', ['type']);
    this.stored = new Tally(r, 'parley_messages_stored_total', 'New messages stored.');
    this.delivered = new Tally(r, 'parley_deliveries_total', 'Room events with a seq written to local sockets.');
    this.acks = new Tally(r, 'parley_acks_total', 'Acks sent to senders.');
    this.errors = new Tally(r, 'parley_ws_error_frames_total', 'Error frames sent, by code.', ['code']);
    this.limited = new Tally(r, 'parley_rate_limited_total', 'Refusals by a rate limit, by limit.', ['limit']);
    this.logins = new Tally(r, 'parley_logins_total', 'Password logins, by outcome.', ['outcome']);
    this.reuses = new Tally(r, 'parley_refresh_token_reuse_total', 'Spent refresh tokens presented again.');
    this.revocations = new Tally(r, 'parley_sessions_revoked_total', 'Sessions revoked, by reason.', ['reason']);
    this.slowConsumers = new Tally(r, 'parley_slow_consumer_closes_total', 'Sockets closed with 4408.');
    this.published = new Tally(r, 'parley_bus_published_total', 'Bus publishes, by kind and result.', [
      'kind',
      'result',
    ]);
    this.received = new Tally(r, 'parley_bus_received_total', 'Bus envelopes from other nodes, by kind.', ['kind']);
    this.httpRequests = new Tally(r, 'parley_http_requests_total', 'HTTP responses, by route pattern and status.', [
      'method',
      'route',
      'status_class',
    ]);
    for (const tally of [this.stored, this.delivered, this.acks, this.reuses, this.slowConsumers]) tally.declare('');
    for (const outcome of ['success', 'failure']) this.logins.declare(outcome);
    this.fanOut = new Histogram({
      name: 'parley_fan_out_seconds',
      help: 'From a room event handed to the local hub to its last local socket write.',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [r],
    });
    this.storeAppend = new Histogram({
      name: 'parley_store_append_seconds',
      help: 'Time to store one message (group commit included).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    });
    this.httpDuration = new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request durations, by route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [r],
    });
    new Gauge({
      name: 'parley_dependency_up',
      help: 'Whether a dependency answered at scrape time (1) or not (0).',
      labelNames: ['dependency'],
      registers: [r],
      async collect() {
        this.reset();
        for (const [name, probe] of probes) this.set({ dependency: name }, (await answers(probe)) ? 1 : 0);
      },
    });
  }

  /** The exposition text of every metric (what GET /metrics answers). */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  socketOpened(): void {
    this.openSockets++;
    this.connects.add('');
  }
  socketClosed(reason: SocketCloseReason): void {
    this.openSockets--;
    this.closes.add(reason);
  }
  connectRefused(code: ErrorCode): void {
    this.refusals.add(code);
  }
  frameIn(type: ClientFrameType | 'invalid'): void {
    this.framesIn.add(type);
  }
  messageStored(): void {
    this.stored.add('');
  }
  storeAppendSeconds(seconds: number): void {
    this.storeAppend.observe(seconds);
  }
  deliveries(count: number): void {
    this.delivered.add('', count);
  }
  fanOutSeconds(seconds: number): void {
    this.fanOut.observe(seconds);
  }
  ack(): void {
    this.acks.add('');
  }
  errorFrame(code: ErrorCode): void {
    this.errors.add(code);
  }
  rateLimited(limit: string): void {
    this.limited.add(limit);
  }
  login(outcome: 'success' | 'failure'): void {
    this.logins.add(outcome);
  }
  refreshReuse(): void {
    this.reuses.add('');
  }
  revocation(reason: RevocationReason, sessions: number): void {
    this.revocations.add(reason, sessions);
  }
  slowConsumerClose(): void {
    this.slowConsumers.add('');
  }
  busPublish(kind: BusEventKind, ok: boolean): void {
    const result = ok ? 'ok' : 'failed';
    this.published.add(`${kind} ${result}`, 1, kind, result);
  }
  busReceive(kind: BusEventKind): void {
    this.received.add(kind);
  }
  watchDependency(name: DependencyName, probe: () => Promise<void>): void {
    this.probes.set(name, probe);
  }
  httpResponse(method: string, route: string, status: number, seconds: number): void {
    const statusClass = `${Math.floor(status / 100)}xx`;
    this.httpRequests.add(`${method} ${route} ${statusClass}`, 1, method, route, statusClass);
    this.httpDuration.observe({ method, route }, seconds);
  }
}

function answers(probe: () => Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
    probe().then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}
