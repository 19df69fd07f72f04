import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { newUser, type Session } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import WebSocket from 'ws';
import { TestClient } from '../helpers/ws-client.js';

/**
 * WS_MAX_SOCKETS_PER_USER holds across nodes: the sockets of a user are counted in Redis (a sorted
 * set of socket ids with leases the heartbeat renews), claimed atomically, released on close, and a
 * crashed node's sockets stop counting once their leases lapse.
 */
const CAP = 20;
/** A one-second heartbeat makes the lease 3 s, so a crashed node's slots lapse within the test. */
const HEARTBEAT_MS = 1000;
let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster(2, { WS_MAX_SOCKETS_PER_USER: String(CAP), WS_HEARTBEAT_MS: String(HEARTBEAT_MS) });
}, 240_000);
afterAll(async () => {
  await cluster?.stop();
});

type Outcome =
  | { client: TestClient; node: number }
  | { refused: { status: number; retryAfter: string | undefined; body: unknown }; node: number };

/** One upgrade: an open socket (after `ready`), or the refusal's status, Retry-After and body. */
function attempt(session: Session, node: number): Promise<Outcome> {
  const ws = new WebSocket(wsUrlOf(cluster.nodes[node]!), ['parley.v1', `parley.auth.${session.accessToken}`], {
    headers: { cookie: session.cookie },
  });
  const client = new TestClient(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => void client.next('ready').then(() => resolve({ client, node }), reject));
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () =>
        resolve({
          node,
          refused: {
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            body: JSON.parse(text),
          },
        }),
      );
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

const opened = (outcomes: Outcome[]) => outcomes.flatMap((o) => ('client' in o ? [o] : []));

describe('the sockets-per-user cap on two nodes', () => {
  it('refuses the twenty-first socket of a user whose sockets are spread over both nodes; closing one lets one in', async () => {
    const session = await newUser(cluster.nodes[0]!.url, 'cap');
    // All at once, alternating nodes: the claims race on two processes against one Redis set.
    const outcomes = await Promise.all(Array.from({ length: CAP + 1 }, (_, i) => attempt(session, i % 2)));
    const live = opened(outcomes);
    expect(live).toHaveLength(CAP);
    expect(new Set(live.map((o) => o.node))).toEqual(new Set([0, 1]));
    const refusal = outcomes.find((o) => 'refused' in o);
    expect(refusal && 'refused' in refusal ? refusal.refused : undefined).toEqual({
      status: 429,
      retryAfter: '5',
      body: { error: { code: 'RATE_LIMITED', message: `At most ${CAP} live sockets per user.`, retryAfter: 5 } },
    });
    // Either node refuses the next one too.
    for (const node of [0, 1]) expect('refused' in (await attempt(session, node))).toBe(true);

    // One closes on node 0: a new one gets in on node 1 (once the release has reached Redis).
    const onZero = live.find((o) => o.node === 0)!;
    await onZero.client.close();
    let again: Outcome | undefined;
    await waitUntil(async () => 'client' in (again = await attempt(session, 1)), 'a new socket accepted', {
      ceilingMs: 10_000,
      everyMs: 100,
    });
    expect('refused' in (await attempt(session, 0))).toBe(true);
    await Promise.all(
      [...live.filter((o) => o !== onZero), again as { client: TestClient }].map((o) => o.client.close()),
    );
  });

  it("frees a crashed node's sockets once their leases lapse", async () => {
    const session = await newUser(cluster.nodes[0]!.url, 'crash');
    const onOne = await Promise.all(Array.from({ length: CAP }, () => attempt(session, 1)));
    expect(opened(onOne)).toHaveLength(CAP);
    expect('refused' in (await attempt(session, 0))).toBe(true);
    await cluster.nodes[1]!.stop('SIGKILL');
    const crashedAt = Date.now();
    let back: Outcome | undefined;
    await waitUntil(async () => 'client' in (back = await attempt(session, 0)), 'a socket accepted on node 0', {
      ceilingMs: 30_000,
      everyMs: 250,
    });
    // Held until the lease (3 heartbeats from the last renewal) lapsed, then freed: the ceiling
    // allows for a loaded machine.
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - crashedAt).toBeLessThan(3 * HEARTBEAT_MS + 10_000);
    if (back && 'client' in back) await back.client.close();
  });
});
