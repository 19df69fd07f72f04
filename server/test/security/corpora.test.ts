import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { corpusIt, corpusJson, corpusLines } from '../helpers/corpora.js';
import { GOOD_PASSWORD, newUser, request, uniqueName, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * The public SQL-injection corpus and the Big List of Naughty Strings through register, login, send
 * and history: never a 500, never database error text, and every stored message byte for byte.
 * The corpora live in ../shared/corpora beside the repository (see its SOURCES.md); without them these
 * tests are skipped, except under CI (helpers/corpora.ts).
 */
function payloads(): string[] {
  return [
    ...corpusLines('sqli/detect__Generic_SQLI.txt'),
    ...corpusLines('sqli/detect__Generic_UnionSelect.txt'),
    ...corpusLines('sqli/exploit__Auth_Bypass.txt'),
    ...corpusJson<string[]>('naughty/blns.json'),
  ];
}
const DB_ERROR = /sqlite|SQLITE_|syntax error|no such (table|column)|constraint failed|kysely|at .+\.(ts|js):\d+/i;

/** About 4,000 requests one after the other: 20 s idle, well over a minute on a loaded machine. */
const CORPUS_TEST_MS = 300_000;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  await server.close();
});

describe('attack corpora', () => {
  corpusIt(
    'register and login: every payload as username and as password gets a clear 4xx or success, never a 500',
    async () => {
      const all = payloads();
      const seen = new Map<number, number>();
      for (const [i, payload] of all.entries()) {
        const asName = await request<{ error?: { code: string; message: string } }>(
          `${server.url}/api/v1/auth/register`,
          {
            body: { username: payload, password: GOOD_PASSWORD },
          },
        );
        const asLogin = await request<{ error?: { code: string; message: string } }>(
          `${server.url}/api/v1/auth/login`,
          {
            body: { username: payload, password: payload },
          },
        );
        const username = `c${i}_${uniqueName('p')}`.slice(0, 32);
        const asPassword = await request(`${server.url}/api/v1/auth/register`, {
          body: { username, password: payload },
        });
        for (const response of [asName, asLogin, asPassword]) {
          seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
          expect(response.status, JSON.stringify(payload)).toBeLessThan(500);
          expect(JSON.stringify(response.body)).not.toMatch(DB_ERROR);
        }
        expect([201, 400, 409], JSON.stringify(payload)).toContain(asName.status);
        expect([400, 401], JSON.stringify(payload)).toContain(asLogin.status);
        if (asPassword.status === 201) {
          const back = await request(`${server.url}/api/v1/auth/login`, { body: { username, password: payload } });
          expect(back.status, JSON.stringify(payload)).toBe(200);
        }
      }
      console.log(
        `corpora through register/login: ${all.length} payloads x 3 requests, statuses ${JSON.stringify(Object.fromEntries(seen))}`,
      );
    },
    CORPUS_TEST_MS,
  );

  corpusIt(
    'send and history: every payload is stored and read back byte for byte, or refused with a clear code',
    async () => {
      const all = payloads();
      const alice: Session = await newUser(server.url, 'corpus');
      const client: TestClient = await connect(server.wsUrl, alice);
      await client.join();
      const acked: Message[] = [];
      const refused: string[] = [];
      for (const [i, text] of all.entries()) {
        const clientMsgId = `corpus-${i}`;
        client.send({ type: 'send', room: 'general', text, clientMsgId });
        const answer = await Promise.race([
          client.next('ack', (f) => f.clientMsgId === clientMsgId),
          client.next('error', (f) => f.ref === clientMsgId),
        ]);
        if (answer.type === 'ack') {
          expect(answer.message.text).toBe(text);
          acked.push(answer.message);
        } else {
          expect(['MESSAGE_EMPTY', 'INVALID_FRAME'], JSON.stringify(text)).toContain(answer.code);
          // Only blank texts are refused as empty.
          if (answer.code === 'MESSAGE_EMPTY') expect(text.trim()).toBe('');
          refused.push(answer.code);
        }
      }
      // History returns each acked message once, unchanged.
      const stored: Message[] = [];
      let before = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const page = await request<{ messages: Message[]; hasMore: boolean }>(
          `${server.url}/api/v1/rooms/general/messages?before=${before}&limit=100`,
          { token: alice.accessToken, cookie: alice.cookie },
        );
        expect(page.status).toBe(200);
        stored.unshift(...page.body.messages);
        if (!page.body.hasMore) break;
        before = page.body.messages[0]!.seq;
      }
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const message of acked) expect(byId.get(message.id)?.text).toBe(message.text);
      expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
      console.log(
        `corpora through send/history: ${all.length} payloads, ${acked.length} stored and read back identical, ${refused.length} refused (${[...new Set(refused)].join(', ')})`,
      );
      await client.close();
    },
    CORPUS_TEST_MS,
  );
});
