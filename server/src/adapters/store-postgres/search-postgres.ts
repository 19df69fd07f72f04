import { sql, type Kysely } from 'kysely';
import type { SearchStore } from '../../ports/search-store.js';
import type { MessageRow } from '../store-kysely/messages.js';
import type { Database } from '../store-kysely/schema.js';
import { decodeCursor, HIT_COLUMNS, searchFilters, toPage } from '../store-kysely/search.js';

type HitRow = MessageRow & { highlight: string };

/** `created_at` as the store writes it (toISOString), and a message id. */
const POSITION = /^p\.(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\.([\w-]{1,64})$/;

/**
 * Search on PostgreSQL: the generated `messages.search` tsvector and its GIN index (migration
 * 0010). The words go in as one `plainto_tsquery('simple', …)`, which reads no operators at all.
 * Newest first by (created_at, id); the marks come from `ts_headline` over the whole text (with the
 * marks already in it removed), computed for the page only.
 */
export function postgresSearch(db: Kysely<Database>): SearchStore['searchMessages'] {
  return async (query) => {
    let after: { at: string; id: string } | undefined;
    if (query.cursor !== undefined) {
      const match = POSITION.exec(decodeCursor(query.cursor) ?? '');
      if (!match?.[1] || !match[2]) return { status: 'bad-cursor' };
      after = { at: match[1], id: match[2] };
    }
    if (query.rooms.length === 0) return { status: 'ok', hits: [] };
    // The tsquery is written out in each place (not shared through a CTE), so the planner sees it
    // and estimates from the column's statistics how many rows match: few, and it takes the GIN
    // index; many, and it walks `messages_created` newest first and stops at a page.
    const words = query.words.join(' ');
    const { rows } = await sql<HitRow>`
      select ${HIT_COLUMNS},
             ts_headline('simple'::regconfig, translate(m.text, chr(57344) || chr(57345), ''),
               plainto_tsquery('simple'::regconfig, ${words}),
               'HighlightAll=true, StartSel=' || chr(57344) || ', StopSel=' || chr(57345)) as highlight
        from (select m.* from messages m
               where m.search @@ plainto_tsquery('simple'::regconfig, ${words})
                 and m.room = any(${query.rooms}::text[])
                 and ${searchFilters(query)}
                 ${after === undefined ? sql`` : sql`and (m.created_at, m.id) < (${after.at}, ${after.id})`}
               order by m.created_at desc, m.id desc
               limit ${query.limit + 1}) m
        join users u on u.id = m.user_id
       order by m.created_at desc, m.id desc`.execute(db);
    return toPage(db, rows, query, (row) => `p.${row.created_at}.${row.id}`);
  };
}
