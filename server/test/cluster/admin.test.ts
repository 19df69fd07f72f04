import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '../../../protocol/index.js';
import { adminAs, type AdminApi } from '../helpers/admin.js';
import { runAdminCli } from '../helpers/admin-cli.js';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { restAs } from '../helpers/conversations.js';
import { GOOD_PASSWORD, newUser, request, type Session } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import { connect } from '../helpers/ws-client.js';

/**
 * The admin API on three nodes (PostgreSQL + Redis): what an admin does on node A holds on node C
 * within a second — a suspension closes the person's sockets there, a policy changes the gate there.
 */
let cluster: Cluster;
let boss: Session;
let api: AdminApi;
beforeAll(async () => {
  cluster = await startCluster(3, { RATE_LIMIT_ROOMS_PER_HOUR: '1000' });
  boss = await newUser(cluster.nodes[0]!.url, 'boss');
  // The first admin, from the machine: the CLI is on the cluster's bus, so every node reloads at once.
  const granted = await runAdminCli(['roles', 'grant', boss.user.username, 'admin'], {
    DATABASE_URL: cluster.env['DATABASE_URL']!,
    REDIS_URL: cluster.env['REDIS_URL']!,
    REDIS_PREFIX: cluster.env['REDIS_PREFIX']!,
  });
  expect(granted.code, granted.stderr).toBe(0);
  api = adminAs(cluster.nodes[0]!.url, boss);
  await waitUntil(async () => (await api.get('/users?limit=1')).status === 200, 'node A knows the admin', {
    ceilingMs: 30_000,
  });
}, 240_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('the admin API across a cluster of three nodes', () => {
  it('a suspension made on node A closes the person`s socket on node C with 4403 within 1 s', async () => {
    const [, , c] = cluster.nodes as [(typeof cluster.nodes)[0], unknown, (typeof cluster.nodes)[0]];
    const target = await newUser(c.url, 'target');
    const socket = await connect(wsUrlOf(c), target);
    await socket.join();

    const started = Date.now();
    await api.suspend(target.user.username, 'raid');
    const closed = await socket.closed;
    const elapsed = Date.now() - started;
    console.log(`cluster: suspended on node A, socket on node C closed after ${elapsed} ms`);
    expect(closed.code).toBe(CloseCodes.BANNED);
    expect(elapsed).toBeLessThan(1000);
    const again = await request<{ error: { code: string } }>(`${c.url}/api/v1/auth/login`, {
      body: { username: target.user.username, password: GOOD_PASSWORD },
    });
    expect(again.body.error.code).toBe('ACCOUNT_SUSPENDED');
  });

  it('a policy added, then removed, on node A changes the gate`s answer on node C within 1 s each', async () => {
    const [, , c] = cluster.nodes as [unknown, unknown, (typeof cluster.nodes)[0]];
    const owner = await newUser(c.url, 'owner');
    const member = await newUser(c.url, 'member');
    const room = `adm-${process.pid}-${Date.now() % 100000}`;
    await restAs(c.url, owner).createRoom(room);
    await restAs(c.url, member).post(`/rooms/${room}/join`);
    let topics = 0;
    /** A plain member changing the room's topic on node C: only a policy can let them. */
    const memberMayManage = async () => {
      const answer = await restAs(c.url, member).patch(`/rooms/${room}`, { topic: `t${++topics}` });
      if (answer.status !== 200 && answer.status !== 403) throw new Error(`PATCH: ${answer.status}`);
      return answer.status === 200;
    };
    expect(await memberMayManage()).toBe(false);

    const policy = { role: 'member', domain: 'room:*', action: 'manage' };
    let started = Date.now();
    expect((await api.post('/policies', policy)).status).toBe(200);
    await waitUntil(memberMayManage, 'the policy is enforced on node C', { ceilingMs: 10_000, everyMs: 25 });
    let elapsed = Date.now() - started;
    console.log(`cluster: policy added on node A, enforced on node C after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);

    started = Date.now();
    expect((await api.delete('/policies', policy)).status).toBe(204);
    await waitUntil(async () => !(await memberMayManage()), 'the removal is enforced on node C', {
      ceilingMs: 10_000,
      everyMs: 25,
    });
    elapsed = Date.now() - started;
    console.log(`cluster: policy removed on node A, refused on node C after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
  });
});
