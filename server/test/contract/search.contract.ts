import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../protocol/index.js';
import type { ParleyError } from '../../src/core/errors.js';
import { searchWords } from '../../src/core/search/search-words.js';
import type { SearchQuery, Store, StoredMessage } from '../../src/ports/store.js';
import { corpusIt, corpusJson, corpusLines } from '../helpers/corpora.js';
import { addMembers } from '../helpers/members.js';
import type { StoreFixture } from '../helpers/store-fixtures.js';

/** Runs one statement on the store's database behind its back (a file row the upload route would write). */
export interface Writer {
  run(statement: string): Promise<void>;
  close(): Promise<void>;
}

const marks = new RegExp(`[${HIGHLIGHT_START}${HIGHLIGHT_END}]`, 'g');

/** The SearchStore contract (ports/search-store.ts), run against every adapter. */
export function describeSearchContract(name: string, open: () => Promise<StoreFixture<{ writer: Writer }>>) {
  describe(`SearchStore contract: ${name}`, () => {
    let fixture: StoreFixture<{ writer: Writer }>;
    let store: Store;
    let alice: string;
    let bob: string;
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const at = () => new Date((clock += 1000)).toISOString();

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      alice = randomUUID();
      bob = randomUUID();
      await store.createUser({ id: alice, username: 'alice', passwordHash: 'x', createdAt: at() });
      await store.createUser({ id: bob, username: 'bob', passwordHash: 'x', createdAt: at() });
      for (const room of ['one', 'two', 'other']) {
        await store.ensureRoom(room, at());
        await addMembers(store, room, alice, bob);
      }
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    async function send(room: string, text: string, userId = alice): Promise<StoredMessage> {
      const result = await store.appendMessage({
        id: randomUUID(),
        room,
        userId,
        clientMsgId: randomUUID(),
        text,
        createdAt: at(),
      });
      if (result.status !== 'created') throw new Error(`append refused: ${result.status}`);
      return result.message;
    }

    async function search(q: string, more: Partial<SearchQuery> = {}) {
      const result = await store.searchMessages({
        words: searchWords(q),
        rooms: ['one', 'two'],
        limit: 20,
        viewerId: alice,
        ...more,
      });
      if (result.status !== 'ok') throw new Error(`search refused: ${result.status}`);
      return result;
    }
    const texts = async (q: string, more: Partial<SearchQuery> = {}) =>
      (await search(q, more)).hits.map((hit) => hit.message.text);

    it('finds every word, whole and in any case, only in the rooms given, newest first', async () => {
      await send('one', 'The Quarterly report is late');
      await send('two', 'the report of the quarterly meeting');
      await send('other', 'quarterly report from a room not searched');
      await send('one', 'quarterlyreport is one word, report alone');
      expect(await texts('quarterly REPORT')).toEqual([
        'the report of the quarterly meeting',
        'The Quarterly report is late',
      ]);
      expect(await texts('quarterly', { rooms: ['other'] })).toEqual(['quarterly report from a room not searched']);
      expect(await texts('quarterly', { rooms: [] })).toEqual([]);
      expect(await texts('quart')).toEqual([]);
      // A room's name is no word of its messages.
      expect(await texts('one', { rooms: ['one'] })).toEqual(['quarterlyreport is one word, report alone']);
    });

    it('a room is matched exactly, never a room whose name holds it', async () => {
      for (const room of ['x-y', 'x-y-z', 'y_x']) {
        await store.ensureRoom(room, at());
        await addMembers(store, room, alice);
        await send(room, `grebe in ${room}`);
      }
      expect(await texts('grebe', { rooms: ['x-y'] })).toEqual(['grebe in x-y']);
      expect(await texts('grebe', { rooms: ['x-y', 'y_x'] })).toEqual(['grebe in y_x', 'grebe in x-y']);
    });

    it('an edit is found by its new words at once, not its old ones; a deleted message never', async () => {
      const edited = await send('one', 'original pelican words');
      const deleted = await send('one', 'doomed flamingo words');
      const edit = await store.applyChange({
        kind: 'edit',
        room: 'one',
        messageId: edited.id,
        actorId: alice,
        text: 'replaced albatross words',
        mentions: [],
        at: at(),
      });
      expect(edit.status).toBe('applied');
      const removal = await store.applyChange({
        kind: 'delete',
        room: 'one',
        messageId: deleted.id,
        actorId: alice,
        byModerator: false,
        at: at(),
      });
      expect(removal.status).toBe('applied');
      expect(await texts('pelican')).toEqual([]);
      expect(await texts('albatross')).toEqual(['replaced albatross words']);
      expect(await texts('flamingo')).toEqual([]);
      expect((await search('words')).hits.map((hit) => hit.message.id)).toEqual([edited.id]);
    });

    it('filters by author, time and attached file', async () => {
      const first = await send('one', 'heron one');
      const second = await send('one', 'heron two', bob);
      const third = await send('two', 'heron three');
      expect(await texts('heron', { authorId: bob })).toEqual(['heron two']);
      expect(await texts('heron', { from: second.createdAt })).toEqual(['heron three', 'heron two']);
      expect(await texts('heron', { to: second.createdAt })).toEqual(['heron one']);
      expect(await texts('heron', { from: first.createdAt, to: third.createdAt })).toEqual(['heron two', 'heron one']);
      expect(await texts('heron', { hasFile: true })).toEqual([]);
      await fixture.writer.run(
        `insert into files (id, room, uploader_id, message_id, name, type, size, blob_key, created_at)
         values ('${randomUUID()}', 'one', '${alice}', '${first.id}', 'a.png', 'image/png', 10, 'k', '${at()}')`,
      );
      await fixture.writer.run(
        `insert into files (id, room, uploader_id, message_id, name, type, size, blob_key, created_at)
         values ('${randomUUID()}', 'two', '${alice}', null, 'b.png', 'image/png', 10, 'k2', '${at()}')`,
      );
      expect(await texts('heron', { hasFile: true })).toEqual(['heron one']);
      // A hit carries its files, as history does (a picture-only message is not an empty hit).
      const [hit] = (await search('heron', { hasFile: true })).hits;
      expect(hit?.message.files?.map((file) => file.name)).toEqual(['a.png']);
    });

    it('pages newest first by cursor, with no duplicate and no gap while messages arrive', async () => {
      const sent: string[] = [];
      for (let i = 0; i < 25; i++) sent.push((await send(i % 2 ? 'one' : 'two', `gannet number ${i}`)).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search('gannet', { limit: 10, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.hits.map((hit) => hit.message.id));
        cursor = page.nextCursor;
        pages += 1;
        // Newer messages meanwhile do not shift the pages that follow.
        await send('one', `gannet arriving ${pages}`);
      } while (cursor !== undefined && pages < 10);
      expect(seen).toEqual([...sent].reverse());
      expect(pages).toBe(3);
    });

    it('refuses a cursor it did not make', async () => {
      await send('one', 'cormorant');
      for (const cursor of ['', 'x', 'not a cursor!', Buffer.from('s.-1').toString('base64url'), 'cC5hLmI']) {
        const result = await store.searchMessages({
          words: ['cormorant'],
          rooms: ['one'],
          limit: 5,
          viewerId: alice,
          cursor,
        });
        expect(result.status, cursor).toBe('bad-cursor');
      }
    });

    it('marks each matched word, adds no markup, escapes nothing, and lets nobody fake a mark', async () => {
      const text = `<b>Puffin</b> & <script>alert(1)</script> ${HIGHLIGHT_START}fake${HIGHLIGHT_END} puffin!`;
      await send('one', text);
      const [hit] = (await search('puffin')).hits;
      expect(hit?.message.text).toBe(text);
      expect(hit?.highlight).toBe(
        `<b>${HIGHLIGHT_START}Puffin${HIGHLIGHT_END}</b> & <script>alert(1)</script> fake ${HIGHLIGHT_START}puffin${HIGHLIGHT_END}!`,
      );
      expect(hit?.highlight.replace(marks, '')).toBe(text.replace(marks, ''));
      const [faked] = (await search('fake')).hits;
      expect(faked?.highlight).toContain(`${HIGHLIGHT_START}fake${HIGHLIGHT_END}`);
      expect(faked?.highlight.match(marks)).toHaveLength(2);
    });

    it('fills the hit as history does: reactions, with mine for the viewer', async () => {
      const first = await send('one', 'osprey nest');
      await store.applyChange({
        kind: 'reaction_add',
        room: 'one',
        messageId: first.id,
        actorId: alice,
        emoji: '👍',
        maxDistinct: 20,
        at: at(),
      });
      const [hit] = (await search('osprey')).hits;
      expect(hit?.message.reactions).toEqual([{ emoji: '👍', count: 1, mine: true }]);
    });

    it('search candidates: the rooms I belong to and the public ones, with my membership', async () => {
      const carol = randomUUID();
      await store.createUser({ id: carol, username: 'carol', passwordHash: 'x', createdAt: at() });
      const created = await store.createRoom(
        {
          name: 'secret',
          kind: 'room',
          visibility: 'private',
          topic: '',
          createdBy: alice,
          at: at(),
          members: [{ userId: alice, role: 'owner' }],
        },
        { roomsPerUser: 100, membersPerRoom: 100 },
      );
      expect(created.status).toBe('created');
      const mine = await store.searchCandidates(alice);
      expect(mine.map((c) => [c.room.name, c.membership?.role])).toEqual([
        ['one', 'member'],
        ['other', 'member'],
        ['secret', 'owner'],
        ['two', 'member'],
      ]);
      const hers = await store.searchCandidates(carol);
      expect(hers.map((c) => [c.room.name, c.membership])).toEqual([
        ['one', undefined],
        ['other', undefined],
        ['two', undefined],
      ]);
    });

    corpusIt(
      'the attack corpora as queries: SEARCH_QUERY_INVALID or an answer, never an engine error',
      async () => {
        const payloads = [
          // Every fifth XSS payload: they reduce to much the same words, and PostgreSQL takes ms a query.
          ...corpusLines('xss/xss-payload-list.txt').filter((_, i) => i % 5 === 0),
          ...corpusLines('sqli/detect__Generic_SQLI.txt'),
          ...corpusLines('sqli/detect__Generic_UnionSelect.txt'),
          ...corpusLines('sqli/exploit__Auth_Bypass.txt'),
          ...corpusJson<string[]>('naughty/blns.json'),
        ];
        // Stored too (in bursts, which the stores commit together), so the marks run over them.
        for (let i = 0; i < payloads.length; i += 500) {
          await Promise.all(payloads.slice(i, i + 500).map((payload) => send('one', payload.slice(0, 500))));
        }
        const queries = new Map<string, string[]>();
        for (const payload of payloads) {
          try {
            const words = searchWords(payload);
            queries.set(words.join(' '), words);
          } catch (error) {
            expect((error as ParleyError).code, JSON.stringify(payload)).toBe('SEARCH_QUERY_INVALID');
          }
        }
        expect(queries.size).toBeGreaterThan(1500);
        for (const words of queries.values()) {
          const result = await store.searchMessages({ words, rooms: ['one'], limit: 5, viewerId: alice });
          expect(result.status, JSON.stringify(words)).toBe('ok');
        }
      },
      600_000,
    );
  });
}
