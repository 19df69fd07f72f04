import { sql, type Kysely } from 'kysely';
import type { SearchStore } from '../../ports/search-store.js';
import type { MessageRow } from '../store-kysely/messages.js';
import type { Database } from '../store-kysely/schema.js';
import { decodeCursor, HIT_COLUMNS, searchFilters, toPage } from '../store-kysely/search.js';

type HitRow = MessageRow & { highlight: string; rid: number };

/**
 * Up to this many rooms, the match names them: FTS5 then intersects the words' doclists with the rooms'
 * and skips the rest, so one quiet room among busy ones costs what its own matches cost. Past it, an
 * OR of many rooms costs more than checking each candidate's room (most rooms are readable then).
 */
const ROOM_TERMS_MAX = 16;

/**
 * Search on SQLite's FTS5 index (`messages_fts`, migration 0011). Every word becomes a quoted FTS5
 * string, so nothing the person typed is ever read as query syntax. Newest first means by rowid,
 * descending: the order messages were stored in. FTS5 walks its doclists in that order, so the query
 * stops as soon as it has a page, however many messages match; the room and the other filters are
 * checked on each candidate on the way (CROSS JOIN keeps the FTS table driving). The words match the
 * `text` column only (the `room` column is for the room terms).
 */
export function sqliteSearch(db: Kysely<Database>): SearchStore['searchMessages'] {
  return async (query) => {
    let before: number | undefined;
    if (query.cursor !== undefined) {
      const match = /^s\.(\d{1,15})$/.exec(decodeCursor(query.cursor) ?? '');
      if (!match?.[1]) return { status: 'bad-cursor' };
      before = Number(match[1]);
    }
    if (query.rooms.length === 0) return { status: 'ok', hits: [] };
    const quoted = (term: string) => `"${term.replaceAll('"', '""')}"`;
    // The words in the text column only; for a few rooms, their terms too (a superset: "a-b" is the
    // phrase "a b", which "a-b-c" holds as well; `m.room in` below keeps the exact rooms).
    const phrase =
      `{text} : (${query.words.map(quoted).join(' ')})` +
      (query.rooms.length <= ROOM_TERMS_MAX ? ` AND {room} : (${query.rooms.map(quoted).join(' OR ')})` : '');
    const { rows } = await sql<HitRow>`
      select ${HIT_COLUMNS}, messages_fts.rowid as rid,
             highlight(messages_fts, 0, char(57344), char(57345)) as highlight
        from messages_fts
        cross join messages m on m.rowid = messages_fts.rowid
        join users u on u.id = m.user_id
       where messages_fts match ${phrase}
         ${before === undefined ? sql`` : sql`and messages_fts.rowid < ${before}`}
         and m.room in (select value from json_each(${JSON.stringify(query.rooms)}))
         and ${searchFilters(query)}
       order by messages_fts.rowid desc
       limit ${query.limit + 1}`.execute(db);
    return toPage(db, rows, query, (row) => `s.${row.rid}`);
  };
}
