/**
 * The search scenario's corpus: messages written straight into a fresh database (SQLite file or
 * PostgreSQL), the way a long-lived server would hold them, fast: one prepared statement in big
 * transactions on SQLite, then the FTS5 index rebuilt from them (the appender indexes each batch it
 * writes; a bulk fill indexes once), and
 * `unnest` batches on PostgreSQL with the GIN index built once after the fill. The text is drawn
 * from a made-up vocabulary with a Zipf distribution (the word of rank r has weight 1/r), so a
 * two-word query of common words matches thousands of messages, as in real chat.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';

export interface CorpusPlan {
  messages: number;
  rooms: number;
  authors: number;
  /** Rooms the searcher belongs to: this many public ones, and as many private ones / 3. */
  searcherPublicRooms: number;
}

export interface Corpus {
  rooms: { name: string; private: boolean; lastSeq: number }[];
  searcherId: string;
  /** The searcher's rooms. */
  memberOf: string[];
  vocabulary: string[];
}

const START = Date.parse('2025-01-01T00:00:00.000Z');
const STEP_MS = 30_000;
const VOCABULARY = 20_000;

/** A small seeded generator (mulberry32): the same corpus on both stores, run after run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(): string[] {
  const next = random(7);
  const onsets = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const words = new Set<string>();
  while (words.size < VOCABULARY) {
    let word = '';
    const syllables = 1 + Math.floor(next() * 3);
    for (let s = 0; s < syllables; s++) {
      word += onsets[Math.floor(next() * onsets.length)]! + vowels[Math.floor(next() * vowels.length)]!;
    }
    if (next() < 0.5) word += 'n';
    words.add(word);
  }
  return [...words];
}

/** Draws ranks 0..n-1 with weight 1/(rank+1)^s. */
function zipf(n: number, s: number, next: () => number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cumulative[r] = sum += 1 / (r + 1) ** s;
  return () => {
    const target = next() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface Row {
  id: string;
  room: string;
  seq: number;
  userId: string;
  clientMsgId: string;
  text: string;
  createdAt: string;
}

/** The corpus's rows in time order, in batches. */
function* messages(plan: CorpusPlan, corpus: Corpus, batch: number): Generator<Row[]> {
  const next = random(42);
  const word = zipf(corpus.vocabulary.length, 1, next);
  const room = zipf(plan.rooms, 0.8, next);
  let rows: Row[] = [];
  for (let i = 0; i < plan.messages; i++) {
    const target = corpus.rooms[room()]!;
    const length = 4 + Math.floor(next() * 16);
    const words: string[] = [];
    for (let w = 0; w < length; w++) words.push(corpus.vocabulary[word()]!);
    rows.push({
      id: `m-${i}`,
      room: target.name,
      seq: ++target.lastSeq,
      userId: `u-${Math.floor(next() * plan.authors)}`,
      clientMsgId: `c-${i}`,
      text: words.join(' '),
      createdAt: new Date(START + i * STEP_MS).toISOString(),
    });
    if (rows.length === batch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length > 0) yield rows;
}

export function plannedCorpus(plan: CorpusPlan): Corpus {
  const rooms = Array.from({ length: plan.rooms }, (_, i) => ({ name: `s${i}`, private: i % 5 < 2, lastSeq: 0 }));
  const pub = rooms.filter((r) => !r.private).filter((_, i) => i % 3 === 0);
  const priv = rooms.filter((r) => r.private).filter((_, i) => i % 6 === 0);
  const memberOf = [
    ...pub.slice(0, plan.searcherPublicRooms),
    ...priv.slice(0, Math.ceil(plan.searcherPublicRooms / 3)),
  ].map((r) => r.name);
  return { rooms, searcherId: 'u-searcher', memberOf, vocabulary: vocabulary() };
}

const AT = new Date(START - 1000).toISOString();

/** Fills a migrated SQLite file (the store closed meanwhile). */
export function fillSqlite(file: string, plan: CorpusPlan, corpus: Corpus): void {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const user = db.prepare(
      'insert into users (id, username, username_key, password_hash, created_at) values (?, ?, ?, ?, ?)',
    );
    const room = db.prepare(
      "insert into rooms (name, created_at, kind, visibility, member_count) values (?, ?, 'room', ?, 0)",
    );
    const member = db.prepare("insert into memberships (room, user_id, role, joined_at) values (?, ?, 'member', ?)");
    db.transaction(() => {
      for (let a = 0; a < plan.authors; a++) user.run(`u-${a}`, `author${a}`, `author${a}`, 'x', AT);
      user.run(corpus.searcherId, 'searcher', 'searcher', 'x', AT);
      for (const r of corpus.rooms) room.run(r.name, AT, r.private ? 'private' : 'public');
      for (const name of corpus.memberOf) member.run(name, corpus.searcherId, AT);
    })();
    const insert = db.prepare(
      'insert into messages (id, room, seq, user_id, client_msg_id, text, created_at) values (?, ?, ?, ?, ?, ?, ?)',
    );
    const write = db.transaction((rows: Row[]) => {
      for (const m of rows) insert.run(m.id, m.room, m.seq, m.userId, m.clientMsgId, m.text, m.createdAt);
    });
    for (const rows of messages(plan, corpus, 20_000)) write(rows);
    db.exec("insert into messages_fts(messages_fts) values ('rebuild')");
    const seq = db.prepare('update rooms set last_seq = ? where name = ?');
    db.transaction(() => {
      for (const r of corpus.rooms) seq.run(r.lastSeq, r.name);
    })();
    db.exec('analyze');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Fills a migrated PostgreSQL database; the GIN index is dropped for the fill and built after it. */
export async function fillPostgres(url: string, plan: CorpusPlan, corpus: Corpus): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const ids = Array.from({ length: plan.authors }, (_, a) => `u-${a}`);
    await client.query(
      `insert into users (id, username, username_key, password_hash, created_at)
       select id, name, name, 'x', $3 from unnest($1::text[], $2::text[]) as t(id, name)`,
      [[...ids, corpus.searcherId], [...ids.map((_, a) => `author${a}`), 'searcher'], AT],
    );
    await client.query(
      `insert into rooms (name, created_at, kind, visibility, member_count)
       select name, $3, 'room', visibility, 0 from unnest($1::text[], $2::text[]) as t(name, visibility)`,
      [corpus.rooms.map((r) => r.name), corpus.rooms.map((r) => (r.private ? 'private' : 'public')), AT],
    );
    await client.query(
      `insert into memberships (room, user_id, role, joined_at)
       select name, $2, 'member', $3 from unnest($1::text[]) as t(name)`,
      [corpus.memberOf, corpus.searcherId, AT],
    );
    await client.query('drop index messages_search');
    for (const rows of messages(plan, corpus, 20_000)) {
      await client.query(
        `insert into messages (id, room, seq, user_id, client_msg_id, text, created_at)
         select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [
          rows.map((m) => m.id),
          rows.map((m) => m.room),
          rows.map((m) => m.seq),
          rows.map((m) => m.userId),
          rows.map((m) => m.clientMsgId),
          rows.map((m) => m.text),
          rows.map((m) => m.createdAt),
        ],
      );
    }
    await client.query("set maintenance_work_mem = '256MB'");
    await client.query('create index messages_search on messages using gin (search)');
    await client.query(
      'update rooms set last_seq = t.seq from unnest($1::text[], $2::int[]) as t(name, seq) where rooms.name = t.name',
      [corpus.rooms.map((r) => r.name), corpus.rooms.map((r) => r.lastSeq)],
    );
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}
