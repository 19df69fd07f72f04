import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, newUser, request, uniqueName } from '../helpers/http.js';
import { scrape } from '../helpers/metrics.js';
import { openRawWebSocket, rawUpgrade } from '../helpers/raw-ws.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { connect } from '../helpers/ws-client.js';

const TOKEN = randomBytes(36).toString('base64url');

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    env: {
      METRICS_TOKEN: TOKEN,
      // One message a second and no burst, so a second send at once is refused.
      RATE_LIMIT_MESSAGES_PER_SECOND: '1',
      RATE_LIMIT_MESSAGES_BURST: '0',
      // The shortest deadline for a message that never finishes arriving: the 4408 comes quickly.
      WS_MESSAGE_TIMEOUT_MS: '500',
    },
  });
});
afterAll(() => server.close());

const metricsOf = () => scrape(`${server.url}/metrics`, TOKEN);

describe('/metrics after real traffic', () => {
  it('moves each counter by exactly what happened, with bounded labels only', async () => {
    const before = await metricsOf();
    const delta = async (series: string) => (await metricsOf()).value(series) - before.value(series);

    // Logins: two people, and a wrong password.
    const alice = await newUser(server.url, 'zqalice');
    const bob = await newUser(server.url, 'zqbob');
    const failed = await request(`${server.url}/api/v1/auth/login`, {
      body: { username: alice.user.username, password: `${GOOD_PASSWORD}-wrong` },
    });
    expect(failed.status).toBe(401);

    // A refused upgrade (no token), and two sockets in the room.
    const refused = await rawUpgrade(server.url, [
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: parley.v1',
    ]);
    const refusedCode = (JSON.parse(refused.body) as { error: { code: string } }).error.code;
    const a = await connect(server.wsUrl, alice);
    const b = await connect(server.wsUrl, bob);
    a.send({ type: 'join', room: 'general' });
    await a.next('joined');
    b.send({ type: 'join', room: 'general' });
    await b.next('joined');
    const joined = await metricsOf();

    // Sends, one after another, until the limit refuses one.
    let stored = 0;
    for (;;) {
      const clientMsgId = uniqueName('m');
      a.send({ type: 'send', room: 'general', text: `hello ${stored}`, clientMsgId });
      const answer = await Promise.race([
        a.next('ack', (frame) => frame.clientMsgId === clientMsgId),
        a.next('error', (frame) => frame.ref === clientMsgId),
      ]);
      if (answer.type === 'error') {
        expect(answer.code).toBe('RATE_LIMITED');
        break;
      }
      stored++;
      await b.next('message', (frame) => frame.message.seq === answer.message.seq);
    }
    expect(stored).toBeGreaterThanOrEqual(1);
    const sent = await metricsOf();

    // A link too slow: a message that never finishes arriving is cut with 4408.
    const carol = await newUser(server.url, 'zqcarol');
    const raw = await openRawWebSocket(server.url, carol);
    raw.sendFrame(Buffer.from('{'), 0x1, false);
    // The deadline is checked as bytes arrive: a byte every 100 ms until the socket is cut.
    const trickle = setInterval(() => raw.sendFrame(Buffer.from(' '), 0x0, false), 100);
    await raw.gone.finally(() => clearInterval(trickle));
    expect(raw.closeCode).toBe(4408);

    // A history request names its room in the URL; the metrics name only the route's pattern.
    const secretRoom = 'zqsecretroom';
    const history = await request(`${server.url}/api/v1/rooms/${secretRoom}/messages`, {
      token: alice.accessToken,
      cookie: alice.cookie,
    });
    expect(history.status).toBe(404);

    a.ws.close();
    b.ws.close();
    await waitUntil(async () => (await metricsOf()).value('parley_ws_open_sockets') === 0, 'every socket closed');
    const after = await metricsOf();

    expect(await delta('parley_logins_total{outcome="success"}')).toBe(3);
    expect(await delta('parley_logins_total{outcome="failure"}')).toBe(1);
    expect(await delta(`parley_ws_refusals_total{code="${refusedCode}"}`)).toBe(1);
    expect(await delta('parley_ws_connects_total')).toBe(3);
    expect(await delta('parley_ws_frames_in_total{type="join"}')).toBe(2);
    expect(await delta('parley_ws_frames_in_total{type="send"}')).toBe(stored + 1);
    expect(await delta('parley_ws_frames_in_total{type="invalid"}')).toBe(0);
    expect(await delta('parley_messages_stored_total')).toBe(stored);
    expect(await delta('parley_acks_total')).toBe(stored);
    // Each stored message reached both sockets in the room (the sender's copy is its ack).
    expect(sent.value('parley_deliveries_total') - joined.value('parley_deliveries_total')).toBe(2 * stored);
    // One fan-out timed per room flush: each message, and any presence diff that went out meanwhile.
    expect(
      sent.value('parley_fan_out_seconds_count') - joined.value('parley_fan_out_seconds_count'),
    ).toBeGreaterThanOrEqual(stored);
    // The refused send never reached the store.
    expect(await delta('parley_store_append_seconds_count')).toBe(stored);
    expect(await delta('parley_rate_limited_total{limit="messages-user"}')).toBe(1);
    expect(await delta('parley_ws_error_frames_total{code="RATE_LIMITED"}')).toBe(1);
    expect(await delta('parley_slow_consumer_closes_total')).toBe(1);
    expect(await delta('parley_ws_closes_total{reason="slow_consumer"}')).toBe(1);
    expect(await delta('parley_ws_closes_total{reason="peer"}')).toBe(2);
    expect(await delta('parley_http_requests_total{method="POST",route="/api/v1/auth/login",status_class="4xx"}')).toBe(
      1,
    );
    expect(
      await delta('parley_http_requests_total{method="GET",route="/api/v1/rooms/:room/messages",status_class="4xx"}'),
    ).toBe(1);
    expect(after.value('parley_dependency_up{dependency="database"}')).toBe(1);
    // Node's default process metrics, in the app's own registry.
    expect(after.samples.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.samples.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // Bounded labels: no name, room, id or address a client chose appears anywhere.
    for (const text of [alice.user.username, bob.user.username, carol.user.username, secretRoom, alice.user.id]) {
      expect(after.text).not.toContain(text);
    }
    expect(after.text).not.toContain('127.0.0.1');
    const labelNames = new Set<string>();
    for (const series of after.samples.keys()) {
      if (!series.startsWith('parley_')) continue;
      for (const [, name] of series.matchAll(/([a-z_]+)="/g)) labelNames.add(name!);
    }
    const allowed = [
      'reason',
      'code',
      'type',
      'limit',
      'outcome',
      'kind',
      'result',
      'method',
      'route',
      'status_class',
      'dependency',
      'le',
    ];
    expect([...labelNames].filter((name) => !allowed.includes(name))).toEqual([]);
  });
});

describe('who may read /metrics', () => {
  it('refuses a scrape without the token, or with a wrong one, on the main port', async () => {
    const none = await request(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await request(`${server.url}/metrics`, { token: `${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    const right = await request(`${server.url}/metrics`, { token: TOKEN });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toContain('text/plain');
  });

  it('with METRICS_PORT, serves it on its own listener only: the public port answers 404', async () => {
    const separate = await startServer({ env: { METRICS_PORT: '0' } });
    try {
      expect(separate.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await request(`${separate.url}/metrics`)).status).toBe(404);
      const scraped = await scrape(`${separate.app.metricsUrl}/metrics`);
      expect(scraped.samples.has('parley_ws_open_sockets')).toBe(true);
      expect((await request(`${separate.app.metricsUrl}/health`)).status).toBe(404);
    } finally {
      await separate.close();
    }
  });

  it('with METRICS_PORT and METRICS_TOKEN, the listener asks for the token', async () => {
    const both = await startServer({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
    try {
      expect((await request(`${both.url}/metrics`, { token: TOKEN })).status).toBe(404);
      expect((await request(`${both.app.metricsUrl}/metrics`)).status).toBe(401);
      expect((await request(`${both.app.metricsUrl}/metrics`, { token: TOKEN })).status).toBe(200);
    } finally {
      await both.close();
    }
  });

  it('with neither, /metrics does not exist and the token never reaches the logs', async () => {
    const plain = await startServer();
    try {
      expect(plain.app.metricsUrl).toBeUndefined();
      expect((await request(`${plain.url}/metrics`, { token: TOKEN })).status).toBe(404);
    } finally {
      await plain.close();
    }
    expect(server.logs.join('')).not.toContain(TOKEN);
  });
});
