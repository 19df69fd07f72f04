/**
 * rooms: many small conversations at once. R rooms of 10 sockets and R/2 two-person DMs, every socket
 * sending in turn (open loop, r messages/s in all), each message going to the other members of its
 * conversation. Per step: deliveries/s, end-to-end latency, loss / duplicates / reordering per socket
 * (all must be zero), and server CPU per delivery, to set beside the single-room fanout figure.
 *
 * On Parley every conversation is made through the API, as people make them: the owner creates the
 * room (`POST /api/v1/rooms`; every fourth one private, its members invited with `POST
 * /rooms/:room/members`), the others become members with the WebSocket `join` of a public room, and
 * each DM is opened with `POST /api/v1/dms`. The baseline has rooms by name and nothing else. Both are
 * opened at once and measured in turns, as in fanout.
 */
import { callApi, mapLimited, type Credential } from '../accounts.js';
import { onExit } from '../cleanup.js';
import { CpuWindow, rssBytes, waitForQuiet } from '../cpu.js';
import type { BenchOptions } from '../options.js';
import { Histogram, medianOf, round } from '../stats.js';
import { rememberCredentialShape, startTarget, type Target, type TargetKind } from '../targets.js';
import type { MemberApi, MemberRunParams, MemberRunReport } from '../workers/member.js';
import { WorkerProcess } from '../workers/rpc.js';
import type { OpenRequest } from '../workers/socket.js';
import { cpuOver, logStep, RunningTotals, stepWindow, summarizeStep, type FanoutStep } from './step.js';

export interface RoomsResult {
  target: TargetKind;
  label: string;
  rooms: number;
  roomSize: number;
  dms: number;
  sockets: number;
  users: number;
  setupSeconds: number;
  reference: { rate: number; runs: FanoutStep[]; median: FanoutStep | undefined };
}

interface Conversation {
  name: string;
  kind: 'room' | 'dm';
  /** Indexes into the users' credentials, owner first. */
  members: number[];
  private: boolean;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;
/** Each member process numbers its messages from its own multiple of this (clientMsgIds per user are unique). */
const ID_SPACING = 1_000_000_000;
const DRAIN_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Who is where. Room r has users (13r + k·step) mod U for k < size, with step = ⌊U / size⌋: distinct
 * within a room, and with U = R every user is in `size` rooms, none with the same people. DM d joins
 * users 2d and 2d + 1.
 */
function planConversations(o: BenchOptions['rooms']): Conversation[] {
  const step = Math.max(1, Math.floor(o.users / o.roomSize));
  const rooms = Array.from({ length: o.rooms }, (_, r) => ({
    name: `r${r}`,
    kind: 'room' as const,
    members: Array.from({ length: o.roomSize }, (_, k) => (r * 13 + k * step) % o.users),
    private: r % 4 === 3,
  }));
  const dms = Array.from({ length: o.dms }, (_, d) => ({
    name: `dm${d}`,
    kind: 'dm' as const,
    members: [(2 * d) % o.users, (2 * d + 1) % o.users],
    private: true,
  }));
  return [...rooms, ...dms];
}

/** Parley: each conversation through the API (a DM's name is the server's); the baseline needs none. */
async function makeConversations(target: Target, users: Credential[], plan: Conversation[]): Promise<Conversation[]> {
  if (target.kind === 'baseline') return plan;
  const base = target.nodes[0]!.url;
  return mapLimited(plan, 8, async (conversation) => {
    const [owner, ...others] = conversation.members.map((index) => users[index]!);
    if (conversation.kind === 'dm') {
      const opened = await callApi<{ room: { name: string } }>(base, owner!, 'POST', '/api/v1/dms', {
        username: others[0]!.username,
      });
      return { ...conversation, name: opened.room.name };
    }
    await callApi(base, owner!, 'POST', '/api/v1/rooms', {
      name: conversation.name,
      visibility: conversation.private ? 'private' : 'public',
    });
    if (conversation.private) {
      for (const other of others) {
        await callApi(base, owner!, 'POST', `/api/v1/rooms/${conversation.name}/members`, { username: other.username });
      }
    }
    return conversation;
  });
}

/** The member processes of one target: every socket of every conversation, spread over them. */
class Members {
  readonly processes: WorkerProcess<MemberApi>[];
  private readonly forget: () => void;
  /** For each conversation, the process that holds its first socket (it sends the sync message). */
  private readonly syncBy = new Map<number, string[]>();
  /** Sockets per process, for its share of the rate. */
  private readonly counts: number[];

  constructor(count: number) {
    this.processes = Array.from(
      { length: count },
      (_, index) => new WorkerProcess<MemberApi>(new URL('../workers/member.ts', import.meta.url), `member#${index}`),
    );
    this.counts = this.processes.map(() => 0);
    this.forget = onExit(() => this.stop());
  }

  pids(): number[] {
    return [process.pid, ...this.processes.map((worker) => worker.pid)];
  }

  get sockets(): number {
    return this.counts.reduce((sum, count) => sum + count, 0);
  }

  async open(url: string, users: Credential[], conversations: Conversation[]): Promise<void> {
    const shares: (OpenRequest & { room: string })[][] = this.processes.map(() => []);
    let next = 0;
    for (const conversation of conversations) {
      for (const [k, member] of conversation.members.entries()) {
        const index = next++ % this.processes.length;
        if (k === 0) this.syncBy.set(index, [...(this.syncBy.get(index) ?? []), conversation.name]);
        shares[index]!.push({
          url,
          credential: users[member]!,
          room: conversation.name,
          timeoutMs: HANDSHAKE_TIMEOUT_MS,
        });
      }
    }
    const concurrency = Math.ceil(100 / this.processes.length);
    const results = await Promise.all(
      this.processes.map((worker, index) =>
        worker.call('open', { requests: shares[index]!, concurrency, idBase: index * ID_SPACING + 1 }),
      ),
    );
    for (const [index, result] of results.entries()) {
      if (Object.keys(result.failures).length > 0) {
        throw new Error(`member sockets failed: ${JSON.stringify(result.failures)}`);
      }
      this.counts[index] = result.opened;
    }
  }

  /** One message per conversation; waits until every socket has seen its conversation's. */
  async sync(): Promise<void> {
    await Promise.all(
      this.processes.map((worker, index) => worker.call('sync', { rooms: this.syncBy.get(index) ?? [] })),
    );
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const synced = (await this.progress({})).synced;
      if (synced >= this.sockets) break;
      if (performance.now() > deadline) throw new Error(`only ${synced} of ${this.sockets} sockets saw their sync`);
      await sleep(50);
    }
  }

  async progress(upTo: Record<string, number>): Promise<{ synced: number; behind: number; open: number }> {
    const parts = await Promise.all(this.processes.map((worker) => worker.call('progress', { upTo })));
    const sum = (pick: (part: (typeof parts)[number]) => number) =>
      parts.reduce((total, part) => total + pick(part), 0);
    return { synced: sum((p) => p.synced), behind: sum((p) => p.behind), open: sum((p) => p.open) };
  }

  run(params: MemberRunParams): Promise<MemberRunReport[]> {
    const total = this.sockets;
    return Promise.all(
      this.processes.map((worker, index) =>
        worker.call('run', { ...params, rate: (params.rate * this.counts[index]!) / total }),
      ),
    );
  }

  async report(upTo: Record<string, number>) {
    const parts = await Promise.all(this.processes.map((worker) => worker.call('report', { upTo })));
    const closed: Record<string, number> = {};
    for (const part of parts) {
      for (const [code, times] of Object.entries(part.closed)) closed[code] = (closed[code] ?? 0) + times;
    }
    const sum = (pick: (part: (typeof parts)[number]) => number) =>
      parts.reduce((total, part) => total + pick(part), 0);
    return {
      lost: sum((p) => p.lost),
      duplicates: sum((p) => p.duplicates),
      outOfOrder: sum((p) => p.outOfOrder),
      closed,
    };
  }

  async stop(): Promise<void> {
    this.forget();
    await Promise.allSettled(this.processes.map((worker) => worker.call('close', undefined)));
    await Promise.all(this.processes.map((worker) => worker.stop()));
  }
}

interface OpenRooms {
  kind: TargetKind;
  label: string;
  setupSeconds: number;
  session: RoomsSession;
  sockets: number;
  close(): Promise<void>;
}

async function openRooms(kind: TargetKind, options: BenchOptions): Promise<OpenRooms> {
  const started = performance.now();
  const o = options.rooms;
  const target = await startTarget(kind, { bcryptCost: 4, sqliteSynchronous: options.sqliteSynchronous });
  const members = new Members(options.workers);
  const close = async () => {
    await members.stop();
    await target.stop();
  };
  try {
    const users = await target.credentials('room', o.users);
    rememberCredentialShape(users[0]);
    const conversations = await makeConversations(target, users, planConversations(o));
    await members.open(target.nodes[0]!.wsUrl, users, conversations);
    await members.sync();
    // Let the presence diffs of everyone joining settle before measuring.
    await sleep(1000);
    const sockets = members.sockets;
    const fanout = conversations.reduce((sum, c) => sum + c.members.length * (c.members.length - 1), 0) / sockets;
    const session = new RoomsSession(target, members, options, fanout);
    const label = kind === 'parley' ? 'Parley' : 'baseline';
    return { kind, label, setupSeconds: round((performance.now() - started) / 1000, 1), session, sockets, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Parley and the baseline with their conversations open at once, measured in turns at the reference rate. */
export async function runRoomsSideBySide(
  kinds: TargetKind[],
  options: BenchOptions,
): Promise<Partial<Record<TargetKind, RoomsResult>>> {
  const o = options.rooms;
  const opened: OpenRooms[] = [];
  try {
    for (const kind of kinds) {
      console.log(`-- ${kind}: opening ${o.rooms} rooms of ${o.roomSize} and ${o.dms} DMs`);
      opened.push(await openRooms(kind, options));
    }
    for (const open of opened) await open.session.step(o.rate, 'warm-up');
    const runs = opened.map((): FanoutStep[] => []);
    for (let run = 0; run < o.repeats; run++) {
      for (const [index, open] of opened.entries()) runs[index]!.push(await open.session.step(o.rate));
    }
    return Object.fromEntries(
      opened.map((open, index) => [
        open.kind,
        {
          target: open.kind,
          label: open.label,
          rooms: o.rooms,
          roomSize: o.roomSize,
          dms: o.dms,
          sockets: open.sockets,
          users: o.users,
          setupSeconds: open.setupSeconds,
          reference: { rate: o.rate, runs: runs[index]!, median: medianOf(runs[index]!) },
        } satisfies RoomsResult,
      ]),
    );
  } finally {
    for (const open of opened) await open.close();
  }
}

class RoomsSession {
  private readonly totals = new RunningTotals();
  private readonly cpu: CpuWindow;
  /** The highest acked seq per conversation so far: every member must have seen up to it. */
  private readonly upTo: Record<string, number> = {};

  constructor(
    private readonly target: Target,
    private readonly members: Members,
    private readonly options: BenchOptions,
    /** Deliveries per message on average: the other members of the sender's conversation. */
    private readonly fanout: number,
  ) {
    this.cpu = new CpuWindow(target.serverPids, () => members.pids());
  }

  async step(rate: number, note = ''): Promise<FanoutStep> {
    const o = this.options.rooms;
    await waitForQuiet(this.target.serverPids, () => this.members.pids());
    const { startUs, windowStartUs, windowEndUs } = stepWindow(o.warmupMs, o.measureMs);
    const cpuDone = cpuOver(this.cpu, windowStartUs, windowEndUs);
    const reports = await this.members.run({
      rate,
      startUs,
      endUs: windowEndUs,
      windowStartUs,
      windowEndUs,
      fillerChars: o.fillerChars,
    });
    const cpu = await cpuDone;
    const rss = rssBytes(this.target.nodes[0]!.pid);
    for (const report of reports) {
      for (const [room, seq] of Object.entries(report.ackedUpTo)) this.upTo[room] = Math.max(this.upTo[room] ?? 0, seq);
    }
    await this.drain();
    const received = await this.members.report(this.upTo);
    const errors: Record<string, number> = {};
    for (const report of reports) {
      for (const [code, times] of Object.entries(report.errors)) errors[code] = (errors[code] ?? 0) + times;
    }
    const sum = (pick: (report: MemberRunReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
    const step = summarizeStep({
      rate,
      measureMs: o.measureMs,
      offeredDeliveriesPerSecond: round(rate * this.fanout, 0),
      deliveries: sum((r) => r.windowDeliveries),
      latency: Histogram.from(reports.map((r) => r.latency)).toData(),
      sent: {
        sent: sum((r) => r.sent),
        acked: sum((r) => r.acked),
        unacked: sum((r) => r.unacked),
        errors,
        ack: Histogram.from(reports.map((r) => r.ack)).toData(),
        maxLateMs: Math.max(...reports.map((r) => r.maxLateMs)),
      },
      delta: this.totals.since(received),
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

  /** Waits until every open socket has seen its conversation's last acked seq (or gives up: what is missing is lost). */
  private async drain(): Promise<void> {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const progress = await this.members.progress(this.upTo);
      if (progress.open === 0 || progress.behind === 0) return;
      await sleep(50);
    }
  }
}
