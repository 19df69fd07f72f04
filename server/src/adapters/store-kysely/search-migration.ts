import { sql, type Kysely } from 'kysely';

/**
 * Full-text search over messages (issue 18): SQLite `0011_search`, PostgreSQL `0010_search`. Each
 * index changes with the message in the same transaction (SQLite: the appender and triggers;
 * PostgreSQL: a generated column), so an edit is found by its new words at once and a deletion (the
 * text emptied) leaves nothing to find.
 */

/** The text as indexed and highlighted (SQLite): without the highlight marks, so nobody can fake one. */
export const SEARCH_TEXT = (column: string) => `replace(replace(${column}, char(57344), ''), char(57345), '')`;

/**
 * SQLite: an FTS5 index with external content. Its content is a view of `messages` (by rowid) with
 * the marks stripped, so `highlight()` reads the same text the index was built from. The room is
 * indexed too, so a search of a few rooms lets FTS5 intersect with their terms (search-sqlite.ts). unicode61 with
 * `remove_diacritics 2` folds case and accents (café = cafe) for every script it knows; `secure-delete`
 * makes a deletion remove the words from the index's pages, not just hide them (ADR 0023).
 * A new message is indexed by the appender (store-sqlite/message-appender.ts), in its batch's
 * transaction after the per-message savepoints: an insert trigger would fire inside each savepoint,
 * where FTS5 flushes a segment per message. Edits and deletions are indexed by triggers. Whatever
 * else inserts into `messages` on SQLite must index the row itself (the bench's bulk fill: 'rebuild').
 * The rowid is the link: SQLite keeps it through everything Parley does (VACUUM could renumber a
 * table without an INTEGER PRIMARY KEY: after one, `insert into messages_fts(messages_fts) values('rebuild')`).
 */
export async function sqliteSearchUp(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`create view messages_search_text as select rowid as rid, ${SEARCH_TEXT('text')} as text, room from messages`)
    .execute(db);
  await sql`create virtual table messages_fts using fts5(text, room, content = 'messages_search_text',
    content_rowid = 'rid', tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
  await sql`insert into messages_fts(messages_fts, rank) values ('secure-delete', 1)`.execute(db);
  await sql
    .raw(
      `create trigger messages_fts_update after update of text on messages begin
         insert into messages_fts(messages_fts, rowid, text, room)
           values ('delete', old.rowid, ${SEARCH_TEXT('old.text')}, old.room);
         insert into messages_fts(rowid, text, room) values (new.rowid, ${SEARCH_TEXT('new.text')}, new.room);
       end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger messages_fts_delete after delete on messages begin
         insert into messages_fts(messages_fts, rowid, text, room)
           values ('delete', old.rowid, ${SEARCH_TEXT('old.text')}, old.room);
       end`,
    )
    .execute(db);
  // The messages stored before this migration.
  await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);
}

/**
 * PostgreSQL: a generated `tsvector` (filled for existing rows when the column is added) with a GIN
 * index. The `simple` configuration lower-cases and keeps every word as it is: no stemming and no
 * stop words for one language, so it serves every language alike. It does not fold accents
 * (`unaccent` is an extension and not immutable; ADR 0023).
 */
export async function postgresSearchUp(db: Kysely<unknown>): Promise<void> {
  await sql`alter table messages add column search tsvector
    generated always as (to_tsvector('simple'::regconfig, text)) stored`.execute(db);
  await sql`create index messages_search on messages using gin (search)`.execute(db);
  // Newest first across rooms: for common words the planner walks this backwards and stops at a page
  // (checking each row's tsvector) instead of fetching every match to sort it; for rare ones it takes
  // the GIN index. The statistics of the tsvector column tell it which.
  await sql`create index messages_created on messages (created_at, id)`.execute(db);
}
