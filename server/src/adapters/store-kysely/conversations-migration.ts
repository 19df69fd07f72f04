import { sql, type Kysely } from 'kysely';

/**
 * Rooms people create, memberships, room events, reactions, mentions and read markers (ADR 0016).
 * The same on SQLite and PostgreSQL: both adapters apply it as their next migration.
 */
export async function conversationsUp(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rooms')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('room'))
    .execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('public'))
    .execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('topic', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('rooms').addColumn('created_by', 'text').execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.alterTable('messages').addColumn('edited_at', 'text').execute();
  await db.schema.alterTable('messages').addColumn('deleted_at', 'text').execute();
  await db.schema.alterTable('messages').addColumn('reply_to', 'text').execute();
  // Space-separated ids of the members mentioned; the `mentions` table indexes the same for counts.
  await db.schema
    .alterTable('messages')
    .addColumn('mention_ids', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  // Unread counts (`GET /rooms`) read the messages after my marker that are not mine and not deleted: with
  // these columns in the index that is an index-only scan. Without it, a member of 500 rooms with 1,000
  // unread in each waited about 0.9 s on PostgreSQL (a heap fetch per message) and 0.1 s on SQLite.
  await db.schema
    .createIndex('messages_unread')
    .on('messages')
    .columns(['room', 'seq', 'user_id', 'deleted_at'])
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('room', 'text', (c) => c.notNull().references('rooms.name'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('last_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('memberships_pk', ['room', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').columns(['user_id', 'room']).execute();

  // Every durable change in a room other than a message; messages keep their rows and share the seq.
  await db.schema
    .createTable('room_events')
    .addColumn('room', 'text', (c) => c.notNull().references('rooms.name'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('message_id', 'text')
    .addColumn('target_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_events_pk', ['room', 'seq'])
    .execute();

  await db.schema
    .createTable('reactions')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'emoji', 'user_id'])
    .execute();

  await db.schema
    .createTable('mentions')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
    .addPrimaryKeyConstraint('mentions_pk', ['user_id', 'room', 'seq'])
    .execute();
  await db.schema.createIndex('mentions_message').on('mentions').column('message_id').execute();

  // Whoever wrote in a room before rooms had members is a member of it, with everything read.
  await sql`insert into memberships (room, user_id, role, joined_at, last_read_seq)
    select distinct m.room, m.user_id, 'member', r.created_at, r.last_seq
      from messages m join rooms r on r.name = m.room`.execute(db);
  await sql`update rooms set member_count = (select count(*) from memberships where memberships.room = rooms.name)`.execute(
    db,
  );
}
