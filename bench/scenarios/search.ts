/**
 * search: full-text search over a big corpus (1,000,000 messages; `--quick` 20,000) in a fresh
 * SQLite file and a fresh PostgreSQL database, through the store's `searchMessages` as the core
 * calls it (the rooms the gate allows the searcher: their own and every public one). Two-word
 * queries of common words are timed one after another, beside a baseline in the same run and on
 * the same data: the newest page of one room's history (`messagesBefore`), the read every room open
 * makes. Also: the same queries limited to one room, and the next page by cursor. Target (issue 18):
 * p99 under 100 ms for a two-word query on both stores.
 *
 * And what the FTS5 index costs the SQLite append path: appends per second through the store's
 * own appender (group commit, bursts of 100), on two fresh files, with the index and with a plain
 * table in its place.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { openPostgresStore } from '../../server/src/adapters/store-postgres/store-postgres.js';
import { openSqliteStore } from '../../server/src/adapters/store-sqlite/store-sqlite.js';
import type { SearchQuery, Store } from '../../server/src/ports/store.js';
import { tempDatabase } from '../services.js';
import { Histogram, nowUs, round } from '../stats.js';
import { fillPostgres, fillSqlite, plannedCorpus, random, type Corpus, type CorpusPlan } from './search-corpus.js';

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface SearchStoreResult {
  store: 'sqlite' | 'postgres';
  messages: number;
  fillSeconds: number;
  queries: number;
  /** Rooms the searcher may read (theirs and the public ones), of all rooms. */
  readableRooms: number;
  rooms: number;
  /** Median count of matches of a query in the whole corpus (every room). */
  medianMatches: number;
  search: LatencyFigures;
  oneRoom: LatencyFigures;
  nextPage: LatencyFigures;
  history: LatencyFigures;
}

export interface AppendCost {
  appends: number;
  withIndexPerSecond: number;
  withoutIndexPerSecond: number;
}

export interface SearchResult {
  stores: SearchStoreResult[];
  append: AppendCost;
}

export interface SearchOptions {
  messages: number;
  queries: number;
  appends: number;
  stores: ('sqlite' | 'postgres')[];
}

export async function runSearch(options: SearchOptions): Promise<SearchResult> {
  const plan: CorpusPlan = {
    messages: options.messages,
    rooms: 500,
    authors: 200,
    searcherPublicRooms: 30,
  };
  const stores: SearchStoreResult[] = [];
  for (const kind of options.stores) {
    console.log(`-- ${kind}: ${plan.messages.toLocaleString('en')} messages in ${plan.rooms} rooms`);
    stores.push(kind === 'sqlite' ? await onSqlite(plan, options) : await onPostgres(plan, options));
  }
  console.log('-- SQLite append path, with and without the FTS5 index');
  const append = await appendCost(options.appends);
  console.log(
    `   ${append.withIndexPerSecond} appends/s with the index, ${append.withoutIndexPerSecond} without ` +
      `(${append.appends} appends each)`,
  );
  return { stores, append };
}

async function onSqlite(plan: CorpusPlan, options: SearchOptions): Promise<SearchStoreResult> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-search-'));
  try {
    const file = join(dir, 'search.db');
    await (await openSqliteStore(file)).close();
    const corpus = plannedCorpus(plan);
    const started = performance.now();
    fillSqlite(file, plan, corpus);
    const fillSeconds = round((performance.now() - started) / 1000, 1);
    const store = await openSqliteStore(file);
    try {
      return await measure('sqlite', store, plan, corpus, fillSeconds, options);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(plan: CorpusPlan, options: SearchOptions): Promise<SearchStoreResult> {
  const database = await tempDatabase();
  try {
    await (await openPostgresStore(database.value, 2)).close();
    const corpus = plannedCorpus(plan);
    const started = performance.now();
    await fillPostgres(database.value, plan, corpus);
    const fillSeconds = round((performance.now() - started) / 1000, 1);
    const store = await openPostgresStore(database.value, 4);
    try {
      return await measure('postgres', store, plan, corpus, fillSeconds, options);
    } finally {
      await store.close();
    }
  } finally {
    await database.cleanup();
  }
}

async function measure(
  kind: SearchStoreResult['store'],
  store: Store,
  plan: CorpusPlan,
  corpus: Corpus,
  fillSeconds: number,
  options: SearchOptions,
): Promise<SearchStoreResult> {
  const viewerId = corpus.searcherId;
  // The rooms as the core's gate answers them with the default policies: mine, and every public room.
  const readable = (await store.searchCandidates(viewerId))
    .filter((c) => c.membership !== undefined || c.room.visibility === 'public')
    .map((c) => c.room.name);
  const busiest = corpus.memberOf[0]!;
  // Two common words (ranks 3 to 80 of the Zipf vocabulary): thousands of matches each.
  const next = random(99);
  const pick = () => corpus.vocabulary[3 + Math.floor(next() * 78)]!;
  const queries = Array.from({ length: options.queries }, () => [pick(), pick()]);
  const base = { rooms: readable, limit: 20, viewerId } satisfies Partial<SearchQuery>;
  const search = async (query: SearchQuery) => {
    const result = await store.searchMessages(query);
    if (result.status !== 'ok') throw new Error(`search refused: ${result.status}`);
    return result;
  };
  const matches: number[] = [];
  for (const words of queries.slice(0, 9)) {
    let count = 0;
    let cursor: string | undefined;
    // Counted through the store itself, a big page at a time (not timed).
    do {
      const page = await search({ ...base, rooms: corpus.rooms.map((r) => r.name), words, limit: 1000, cursor });
      count += page.hits.length;
      cursor = page.nextCursor;
    } while (cursor !== undefined && count < 50_000);
    matches.push(count);
  }
  matches.sort((a, b) => a - b);

  const all = new Histogram();
  const one = new Histogram();
  const paged = new Histogram();
  const history = new Histogram();
  const time = async (histogram: Histogram | undefined, run: () => Promise<unknown>) => {
    const begun = nowUs();
    await run();
    histogram?.record(nowUs() - begun);
  };
  for (const [batch, record] of [
    [queries.slice(0, 20), false],
    [queries, true],
  ] as const) {
    for (const words of batch) {
      const first = await search({ ...base, words });
      await time(record ? all : undefined, () => search({ ...base, words }));
      await time(record ? one : undefined, () => search({ ...base, words, rooms: [busiest] }));
      if (first.nextCursor !== undefined) {
        const cursor = first.nextCursor;
        await time(record ? paged : undefined, () => search({ ...base, words, cursor }));
      }
      await time(record ? history : undefined, () =>
        store.messagesBefore(busiest, Number.MAX_SAFE_INTEGER, 50, viewerId),
      );
    }
  }
  const figures = (h: Histogram): LatencyFigures => {
    const s = h.summary();
    return { p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max };
  };
  const result: SearchStoreResult = {
    store: kind,
    messages: plan.messages,
    fillSeconds,
    queries: queries.length,
    readableRooms: readable.length,
    rooms: plan.rooms,
    medianMatches: matches[Math.floor(matches.length / 2)] ?? 0,
    search: figures(all),
    oneRoom: figures(one),
    nextPage: figures(paged),
    history: figures(history),
  };
  console.log(
    `   filled in ${fillSeconds} s; a query matches ~${result.medianMatches} messages; search p50 ` +
      `${result.search.p50Ms} ms, p99 ${result.search.p99Ms} ms (one room p99 ${result.oneRoom.p99Ms} ms, next page ` +
      `p99 ${result.nextPage.p99Ms} ms); history page p99 ${result.history.p99Ms} ms`,
  );
  return result;
}

/** Appends per second through the SQLite store's appender, with the FTS5 index and without it. */
async function appendCost(appends: number): Promise<AppendCost> {
  const rate = async (withIndex: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-append-'));
    try {
      const file = join(dir, 'append.db');
      if (!withIndex) {
        await (await openSqliteStore(file)).close();
        // A plain table in the index's place: the appender's insert into it costs next to nothing.
        const raw = new SQLite(file);
        raw.exec('drop trigger messages_fts_update; drop trigger messages_fts_delete; drop table messages_fts');
        raw.exec('create table messages_fts (text text, room text)');
        raw.close();
      }
      const store = await openSqliteStore(file);
      try {
        const at = new Date().toISOString();
        await store.createUser({ id: 'w', username: 'writer', passwordHash: 'x', createdAt: at });
        await store.ensureRoom('r', at);
        await store.applyChange({
          kind: 'member_join',
          room: 'r',
          actorId: 'w',
          userId: 'w',
          role: 'member',
          limits: { roomsPerUser: 10, membersPerRoom: 10 },
          at,
        });
        const text = 'the quick brown fox jumps over the lazy dog while the chat goes on and on';
        const begun = performance.now();
        for (let i = 0; i < appends; i += 100) {
          await Promise.all(
            Array.from({ length: Math.min(100, appends - i) }, () =>
              store.appendMessage({
                id: randomUUID(),
                room: 'r',
                userId: 'w',
                clientMsgId: randomUUID(),
                text,
                createdAt: new Date().toISOString(),
              }),
            ),
          );
        }
        return Math.round(appends / ((performance.now() - begun) / 1000));
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // Alternated, twice each, best of two: the machine is shared.
  const runs: [number, number][] = [];
  for (let i = 0; i < 2; i++) runs.push([await rate(true), await rate(false)]);
  const withIndex = Math.max(...runs.map(([w]) => w));
  const withoutIndex = Math.max(...runs.map(([, wo]) => wo));
  return { appends, withIndexPerSecond: withIndex, withoutIndexPerSecond: withoutIndex };
}
