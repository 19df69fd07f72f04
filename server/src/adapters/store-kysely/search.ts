import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SearchQuery, SearchResult, SearchStore } from '../../ports/search-store.js';
import { toMembership } from './conversations.js';
import { withFiles } from './files.js';
import { hydrate, toMessage, toRoom, type MessageRow } from './messages.js';
import type { Database } from './schema.js';

/**
 * What both databases share in search (issue 18): the candidate rooms, the filters, the cursor's
 * envelope and the hits' hydration. The match itself, its order and its marks are each database's
 * own (store-sqlite/search-sqlite.ts, store-postgres/search-postgres.ts).
 */

/** The rooms I belong to and the public ones, with my membership: one query, for the gate to filter. */
export function searchCandidates(db: Kysely<Database>): SearchStore['searchCandidates'] {
  return async (userId) => {
    const rows = await db
      .selectFrom('rooms as r')
      .leftJoin('memberships as ms', (join) => join.onRef('ms.room', '=', 'r.name').on('ms.user_id', '=', userId))
      .selectAll('r')
      .select([
        'ms.room as m_room',
        'ms.user_id as m_user_id',
        'ms.role as m_role',
        'ms.joined_at as m_joined_at',
        'ms.last_read_seq as m_last_read_seq',
        'ms.muted_until as m_muted_until',
        'ms.mute_reason as m_mute_reason',
      ])
      .where((w) => w.or([w('ms.user_id', 'is not', null), w('r.visibility', '=', 'public')]))
      .orderBy('r.name')
      .execute();
    return rows.map((row) => ({
      room: toRoom(row),
      membership:
        row.m_room === null || row.m_user_id === null
          ? undefined
          : toMembership({
              room: row.m_room,
              user_id: row.m_user_id,
              role: row.m_role ?? 'member',
              joined_at: row.m_joined_at ?? '',
              last_read_seq: row.m_last_read_seq ?? 0,
              muted_until: row.m_muted_until,
              mute_reason: row.m_mute_reason,
            }),
    }));
  };
}

/** The filters besides the words and the rooms, on the message `m`. */
export function searchFilters(query: SearchQuery): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`m.deleted_at is null`];
  if (query.authorId !== undefined) parts.push(sql`m.user_id = ${query.authorId}`);
  if (query.from !== undefined) parts.push(sql`m.created_at >= ${query.from}`);
  if (query.to !== undefined) parts.push(sql`m.created_at < ${query.to}`);
  if (query.hasFile === true) parts.push(sql`exists (select 1 from files fl where fl.message_id = m.id)`);
  return sql.join(parts, sql` and `);
}

/** A cursor: a store's own position, base64url so it stays one opaque token in a URL. */
export function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** One page: `limit + 1` rows were asked for, so a row beyond the page means there may be more. */
export async function toPage<Row extends MessageRow & { highlight: string }>(
  db: Kysely<Database>,
  rows: Row[],
  query: SearchQuery,
  positionOf: (row: Row) => string,
): Promise<SearchResult> {
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const messages = await withFiles(db, await hydrate(db, page.map(toMessage), query.viewerId));
  return {
    status: 'ok',
    hits: messages.map((message, i) => ({ message, highlight: page[i]?.highlight ?? '' })),
    ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(positionOf(last)) } : {}),
  };
}

/** The columns every hit reads, on `m` (the message) and `u` (its author). */
export const HIT_COLUMNS = sql`m.id, m.room, m.seq, m.user_id, m.client_msg_id, m.text, m.created_at, m.edited_at,
  m.deleted_at, m.reply_to, m.mention_ids, u.username`;
