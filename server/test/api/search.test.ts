import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchAnswer } from '../../../protocol/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

type Answer = SearchAnswer & { error?: { code: string } };

/** Searches a minute per user here: more than any one test below makes, but few enough to reach. */
const ALLOWANCE = 40;

/**
 * GET /api/v1/search through the real server, on SQLite and PostgreSQL: the gate decides the rooms
 * (never a private room I am not in, however I ask), edits and deletions follow at once, and
 * hostile queries are answered 200 or SEARCH_QUERY_INVALID, never 500.
 */
describe.each(BACKENDS)('search over HTTP, on %s', (_name, open) => {
  let dispose: () => Promise<void>;
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let eve: Session;
  let a: TestClient;
  const secret = 'sx-secret';
  const open1 = 'sx-open';

  beforeAll(async () => {
    const backend = await open();
    dispose = backend.dispose;
    server = await startServer({
      env: { LOG_LEVEL: 'warn', RATE_LIMIT_SEARCHES_PER_USER_PER_MINUTE: String(ALLOWANCE), ...backend.env },
    });
    alice = await newUser(server.url, 'alice');
    bob = await newUser(server.url, 'bob');
    eve = await newUser(server.url, 'eve');
    expect((await call(alice, '/rooms', { name: secret, visibility: 'private' })).status).toBe(201);
    expect((await call(alice, `/rooms/${secret}/members`, { username: bob.user.username })).status).toBe(200);
    expect((await call(bob, '/rooms', { name: open1, visibility: 'public' })).status).toBe(201);
    a = await connect(server.wsUrl, alice);
    await a.join(secret);
    await a.join(open1);
    await a.sendText('the zanzibar plan, private words only', secret);
    await a.sendText('zanzibar in public, everyone may read', open1);
  });
  afterAll(async () => {
    await a?.close();
    await server?.close();
    await dispose?.();
  });

  function call<T = Answer>(session: Session, path: string, body?: unknown) {
    return request<T>(`${server.url}/api/v1${path}`, {
      token: session.accessToken,
      cookie: session.cookie,
      ...(body === undefined ? {} : { body }),
    });
  }
  const search = (session: Session, query: Record<string, string>) =>
    call(session, `/search?${new URLSearchParams(query).toString()}`);

  it('finds my rooms and public ones; never a private room I am not in, however asked', async () => {
    const mine = await search(alice, { q: 'zanzibar' });
    expect(mine.status).toBe(200);
    expect(mine.body.hits.map((h) => h.message.room)).toEqual([open1, secret]);
    expect(mine.body.hits[1]?.highlight).toBe(
      `the ${HIGHLIGHT_START}zanzibar${HIGHLIGHT_END} plan, private words only`,
    );

    const outsider = await search(eve, { q: 'zanzibar plan private' });
    expect(outsider.body.hits).toEqual([]);
    const byRoom = await search(eve, { q: 'zanzibar', room: secret });
    expect(byRoom.status).toBe(404);
    expect(byRoom.body.error?.code).toBe('ROOM_NOT_FOUND');
    const byAuthor = await search(eve, { q: 'zanzibar', author: alice.user.username });
    expect(byAuthor.body.hits.map((h) => h.message.room)).toEqual([open1]);
  });

  it('filters by room and author; an unknown author finds nothing', async () => {
    expect((await search(bob, { q: 'zanzibar', room: secret })).body.hits.map((h) => h.message.room)).toEqual([secret]);
    expect((await search(bob, { q: 'zanzibar', author: bob.user.username })).body.hits).toEqual([]);
    expect((await search(bob, { q: 'zanzibar', author: 'nobody_here' })).body.hits).toEqual([]);
    expect((await search(bob, { q: 'zanzibar', from: '2000-01-01', to: '2001-01-01' })).body.hits).toEqual([]);
    expect((await search(bob, { q: 'zanzibar', hasFile: 'true' })).body.hits).toEqual([]);
  });

  it('an edit is found by its new words, not the old; a deleted message is gone', async () => {
    const sent = await a.sendText('quokka before the edit', open1);
    a.send({ type: 'edit', room: open1, messageId: sent.message.id, text: 'wallaby after the edit' });
    await a.next('event', (f) => f.event.kind === 'edit' && f.event.messageId === sent.message.id);
    expect((await search(bob, { q: 'quokka' })).body.hits).toEqual([]);
    expect((await search(bob, { q: 'wallaby' })).body.hits.map((h) => h.message.id)).toEqual([sent.message.id]);
    a.send({ type: 'delete', room: open1, messageId: sent.message.id });
    await a.next('event', (f) => f.event.kind === 'delete' && f.event.messageId === sent.message.id);
    expect((await search(bob, { q: 'wallaby' })).body.hits).toEqual([]);
  });

  it('hostile queries: 200 or SEARCH_QUERY_INVALID, never a 500', async () => {
    const hostile = [
      'NEAR(zanzibar plan)',
      '"',
      '""',
      'zanzibar*',
      '*',
      '-zanzibar',
      'text:zanzibar',
      '^zanzibar',
      'a OR b',
      'zanzibar AND NOT plan',
      "'; drop table messages; --",
      '\\',
      '(',
      ')',
      '{text}: x',
      '!',
      '&',
      '|',
      ':*',
      'zanzibar & !plan',
      '<->',
      HIGHLIGHT_START,
      '\u0000',
      ' ',
      '\u200d',
      'x'.repeat(256),
      'x '.repeat(40),
    ];
    for (const q of [...hostile, 'y'.repeat(257)]) {
      const answer = await search(alice, { q });
      expect(answer.status, JSON.stringify(q)).toBeLessThan(500);
      if (answer.status !== 200) expect(answer.body.error?.code, JSON.stringify(q)).toBe('SEARCH_QUERY_INVALID');
    }
    expect((await search(alice, { q: '"zanzibar' })).body.hits).toHaveLength(2);
    expect((await search(alice, { q: '' })).body.error?.code).toBe('SEARCH_QUERY_INVALID');
    expect((await search(alice, { q: 'zanzibar', cursor: 'bogus!' })).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await search(alice, { q: 'zanzibar', from: 'yesterday' })).body.error?.code).toBe('VALIDATION_FAILED');
  });

  it('rate limited per user: 429 RATE_LIMITED with Retry-After', async () => {
    const carol = await newUser(server.url, 'carol');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof search>> | undefined;
    for (let i = 0; i <= ALLOWANCE; i++) {
      last = await search(carol, { q: 'zanzibar' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array<number>(ALLOWANCE).fill(200), 429]);
    expect(last?.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
