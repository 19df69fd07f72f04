import { describe, expect, it } from 'vitest';
import type { AdminAuditPage, AdminPolicies, AdminUser, AdminUserPage } from '../../../protocol/index.js';
import { verifyAuditLog } from '../../src/core/audit/verify-audit-log.js';
import { adminAs, makeAdmin, type ErrorAnswer } from '../helpers/admin.js';
import { runAdminCli } from '../helpers/admin-cli.js';
import { restAs, roomName, serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { newUser, request, type Session } from '../helpers/http.js';

/**
 * The admin API on SQLite and PostgreSQL: every route for an admin, and for nobody else; the checks
 * that keep a role from being taken or lost by accident; every write in the audit log.
 */
describe.each(STORE_KINDS)('the admin API on %s', (kind) => {
  const env = serverForSuite(kind);
  const base = () => env.server.url;
  async function admin(prefix = 'adm'): Promise<{ session: Session; api: ReturnType<typeof adminAs> }> {
    const session = await newUser(base(), prefix);
    await makeAdmin(env.server.app, session);
    return { session, api: adminAs(base(), session) };
  }
  const code = (answer: { status: number; body: unknown }) => [answer.status, (answer.body as ErrorAnswer).error?.code];

  it('serves every route to an admin; a plain user gets 403 FORBIDDEN and a stranger 401 on each', async () => {
    const { api } = await admin();
    const plain = await newUser(base(), 'plain');
    const target = await newUser(base(), 'target');
    const name = target.user.username;
    const policy = { role: 'member', domain: 'room:*', action: 'kick' };
    const routes: [method: string, path: string, body: unknown, status: number][] = [
      ['GET', '/users', undefined, 200],
      ['GET', `/users/${name}`, undefined, 200],
      ['POST', `/users/${name}/roles`, { role: 'moderator', reason: 'helps out' }, 200],
      ['DELETE', `/users/${name}/roles/moderator`, undefined, 200],
      ['POST', `/users/${name}/suspend`, { reason: 'spam' }, 200],
      ['POST', `/users/${name}/unsuspend`, {}, 200],
      ['GET', '/policies', undefined, 200],
      ['POST', '/policies', policy, 200],
      ['DELETE', '/policies', policy, 204],
      ['POST', '/policies', policy, 200],
      ['POST', '/policies/remove', policy, 204],
      ['POST', '/permissions/check', { username: name, domain: 'global', action: 'suspend' }, 200],
      ['GET', '/audit', undefined, 200],
    ];
    for (const [method, path, body, status] of routes) {
      const asPlain = await adminAs(base(), plain).call(method, path, body);
      expect(code(asPlain), `${method} ${path} as a plain user`).toEqual([403, 'FORBIDDEN']);
      const asNobody = await adminAs(base(), undefined).call(method, path, body);
      expect(code(asNobody), `${method} ${path} without a token`).toEqual([401, 'UNAUTHENTICATED']);
      const asAdmin = await api.call(method, path, body);
      expect(asAdmin.status, `${method} ${path} as an admin: ${JSON.stringify(asAdmin.body)}`).toBe(status);
      expect(asAdmin.headers.get('cache-control')).toBe('no-store');
    }
    // The plain user's attempts changed nothing; the admin's did, and are in the log.
    expect(await api.user(name)).toEqual({
      id: target.user.id,
      username: name,
      createdAt: expect.any(String) as string,
      roles: [],
    });
  });

  it('lists users by name, paged, with their roles and suspension', async () => {
    const { api } = await admin();
    const prefix = `pg${process.pid % 1000}x${Date.now() % 100000}`;
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await newUser(base(), `${prefix}_${i}`));
    await api.post(`/users/${people[1]!.user.username}/roles`, { role: 'moderator' });
    await api.suspend(people[2]!.user.username, 'flooding');

    const first = await api.get<AdminUserPage>(`/users?search=${prefix.toUpperCase()}&limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.users.map((u) => u.username)).toEqual(people.slice(0, 3).map((p) => p.user.username));
    expect(first.body.next).toBe(people[2]!.user.username);
    expect(first.body.users[1]!.roles).toEqual(['moderator']);
    expect(first.body.users[2]!.suspended).toEqual({ at: expect.any(String) as string, reason: 'flooding' });
    expect(first.body.users[0]).not.toHaveProperty('suspended');
    const second = await api.get<AdminUserPage>(`/users?search=${prefix}&limit=3&after=${first.body.next}`);
    expect(second.body.users.map((u) => u.username)).toEqual(people.slice(3).map((p) => p.user.username));
    expect(second.body).not.toHaveProperty('next');

    for (const query of ['limit=0', 'limit=101', 'limit=x', 'after=no%20spaces', 'role=admin', 'search='])
      expect(code(await api.get(`/users?${query}`)), query).toEqual([400, 'VALIDATION_FAILED']);
    expect(code(await api.get('/users/nobody_at_all'))).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('grants and revokes global roles only; the change is enforced at once and audited', async () => {
    const { api } = await admin();
    const bob = await newUser(base(), 'bob');
    const name = bob.user.username;
    const can = (action: string) => env.server.app.authz.can(bob.user.id, 'global', action);

    const granted = await api.post<{ user: AdminUser }>(`/users/${name}/roles`, { role: 'admin', reason: 'ops' });
    expect(granted.body.user.roles).toEqual(['admin']);
    expect(can('suspend')).toBe(true);
    // Granting what is held changes nothing and records nothing.
    const head = (await verifyAuditLog(env.server.app.core.ctx.store)) as { entries: number };
    await api.post(`/users/${name}/roles`, { role: 'admin' });
    expect(((await verifyAuditLog(env.server.app.core.ctx.store)) as { entries: number }).entries).toBe(head.entries);

    for (const body of [{ role: 'owner' }, { role: 'user' }, { role: 'ADMIN' }, { role: 'admin', domain: '*' }, {}])
      expect(code(await api.post(`/users/${name}/roles`, body)), JSON.stringify(body)).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    expect(code(await api.delete(`/users/${name}/roles/owner`))).toEqual([400, 'VALIDATION_FAILED']);

    const revoked = await api.delete<{ user: AdminUser }>(`/users/${name}/roles/admin`, { reason: 'left the team' });
    expect(revoked.body.user.roles).toEqual([]);
    expect(can('suspend')).toBe(false);

    const page = await api.get<AdminAuditPage>('/audit?limit=2');
    expect(page.body.entries.map((e) => [e.action, e.target.id, e.reason, e.details['role']])).toEqual([
      ['role.revoke', bob.user.id, 'left the team', 'admin'],
      ['role.grant', bob.user.id, 'ops', 'admin'],
    ]);
  });

  it('checks a permission by the policies, and adds and removes policies with strict values', async () => {
    const { api } = await admin();
    const carol = await newUser(base(), 'carol');
    const check = async (domain: string, action: string) =>
      (
        await api.post<{ allowed: boolean }>('/permissions/check', {
          username: carol.user.username,
          domain,
          action,
        })
      ).body.allowed;
    expect(await check('global', 'create_room')).toBe(true);
    expect(await check('global', 'suspend')).toBe(false);

    const listed = await api.get<AdminPolicies>('/policies');
    expect(listed.body.policies).toContainEqual({ role: 'admin', domain: 'global', action: 'admin' });
    expect(listed.body.grants).toContainEqual({ subject: 'owner', role: 'moderator', domain: '*' });

    const policy = { role: 'user', domain: 'global', action: 'suspend' };
    expect((await api.post('/policies', policy)).body).toEqual({ policy, added: true });
    expect(await check('global', 'suspend')).toBe(true);
    expect((await api.post('/policies', policy)).body).toEqual({ policy, added: false });
    expect((await api.delete('/policies', policy)).status).toBe(204);
    expect(await check('global', 'suspend')).toBe(false);
    expect(code(await api.delete('/policies', policy))).toEqual([404, 'NOT_FOUND']);

    for (const body of [
      { role: 'user:someone', domain: 'global', action: 'admin' },
      { role: 'user', domain: 'room:gen*', action: 'read' },
      { role: 'user', domain: 'global', action: 'anything' },
      { role: 'user', domain: 'global', action: 'admin', extra: 1 },
      { role: 'user', domain: 'global' },
    ])
      expect(code(await api.post('/policies', body)), JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    expect(
      code(await api.post('/permissions/check', { username: carol.user.username, domain: '*', action: 'admin' })),
    ).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('records every admin write, newest first and paged, in a chain `npm run admin -- audit verify` accepts', async () => {
    const { session, api } = await admin();
    const dave = await newUser(base(), 'dave');
    const name = dave.user.username;
    await api.post(`/users/${name}/roles`, { role: 'moderator', reason: 'r1' });
    await api.delete(`/users/${name}/roles/moderator`, { reason: 'r2' });
    await api.suspend(name, 'r3');
    await api.post(`/users/${name}/unsuspend`, { reason: 'r4' });
    const policy = { role: 'member', domain: `room:${roomName('au')}`, action: 'kick' };
    await api.post('/policies', policy);
    await api.post('/policies/remove', policy);

    const page = await api.get<AdminAuditPage>('/audit?limit=6');
    expect(page.body.entries.map((e) => e.action)).toEqual([
      'policy.remove',
      'policy.add',
      'user.unsuspend',
      'user.suspend',
      'role.revoke',
      'role.grant',
    ]);
    for (const entry of page.body.entries) {
      expect(entry.actor).toBe(session.user.id);
      expect(entry.actorName).toBe(session.user.username);
    }
    expect(page.body.entries.slice(2).map((e) => e.reason)).toEqual(['r4', 'r3', 'r2', 'r1']);
    expect(page.body.entries[0]!.target).toEqual({
      kind: 'policy',
      id: `${policy.role} ${policy.domain} ${policy.action}`,
    });
    const older = await api.get<AdminAuditPage>(`/audit?limit=2&before=${page.body.next}`);
    expect(older.body.entries.every((e) => e.position < page.body.entries.at(-1)!.position)).toBe(true);

    const url =
      kind === 'postgres'
        ? (env.server.config.database as { url: string }).url
        : `sqlite:${(env.server.config.database as { filename: string }).filename}`;
    const verified = await runAdminCli(['audit', 'verify'], { DATABASE_URL: url });
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toContain('audit log intact');
    expect(verified.code).toBe(0);
  });

  it('refuses every escalation, and nothing changes', async () => {
    const { session: adminSession, api } = await admin();
    const mallory = await newUser(base(), 'mallory');
    const victim = await newUser(base(), 'victim');
    const asMallory = adminAs(base(), mallory);
    const before = (await verifyAuditLog(env.server.app.core.ctx.store)) as { entries: number };

    // A user granting themselves a role, suspending or reading anyone: no admin route answers them.
    expect(code(await asMallory.post(`/users/${mallory.user.username}/roles`, { role: 'admin' }))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    expect(code(await asMallory.post(`/users/${victim.user.username}/suspend`, { reason: 'x' }))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    expect(code(await asMallory.post('/policies', { role: 'user', domain: 'global', action: 'admin' }))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    // Nor does any other route take a role: register, login and room bodies are strict.
    const rest = restAs(base(), mallory);
    const room = roomName('esc');
    await rest.createRoom(room);
    await rest.invite(room, victim.user.username);
    for (const [method, path, body] of [
      ['PATCH', `/rooms/${room}`, { topic: 'x', role: 'admin' }],
      ['POST', `/rooms/${room}/members`, { username: victim.user.username, role: 'admin' }],
      ['PATCH', `/rooms/${room}/members/${mallory.user.username}`, { role: 'admin' }],
      ['PATCH', `/rooms/${room}/members/${victim.user.username}`, { role: 'admin', domain: '*' }],
      ['POST', '/auth/password', { currentPassword: 'a', newPassword: 'b', username: victim.user.username }],
    ] as const) {
      const answer = await request<ErrorAnswer>(`${base()}/api/v1${path}`, {
        method,
        body,
        token: mallory.accessToken,
        cookie: mallory.cookie,
      });
      // A room owner has no route to a global role: a crafted body is refused.
      expect(code(answer), `${method} ${path}`).toEqual([400, 'VALIDATION_FAILED']);
    }
    const register = await request<ErrorAnswer>(`${base()}/api/v1/auth/register`, {
      body: { username: `esc_${process.pid}`, password: 'violet-sparrow-42-lantern', role: 'admin' },
    });
    expect(code(register)).toEqual([400, 'VALIDATION_FAILED']);

    // An admin editing someone else through a crafted body: unknown fields are refused.
    for (const [path, body] of [
      [`/users/${victim.user.username}/suspend`, { reason: 'x', username: mallory.user.username }],
      [`/users/${victim.user.username}/roles`, { role: 'moderator', userId: mallory.user.id }],
      [`/users/${victim.user.username}/unsuspend`, { reason: 'x', suspended: false }],
      ['/permissions/check', { username: victim.user.username, domain: 'global', action: 'admin', as: 'x' }],
    ] as const)
      expect(code(await api.post(path, body)), path).toEqual([400, 'VALIDATION_FAILED']);
    // Nobody suspends themselves.
    expect(code(await api.post(`/users/${adminSession.user.username}/suspend`, { reason: 'oops' }))).toEqual([
      403,
      'FORBIDDEN',
    ]);

    for (const person of [mallory, victim]) {
      const seen = await api.user(person.user.username);
      expect(seen.roles).toEqual([]);
      expect(seen).not.toHaveProperty('suspended');
    }
    expect(env.server.app.authz.can(mallory.user.id, 'global', 'admin')).toBe(false);
    expect(((await verifyAuditLog(env.server.app.core.ctx.store)) as { entries: number }).entries).toBe(before.entries);
  });

  it('a moderator, even one given the admin API, cannot suspend an admin or another moderator, nor lift their suspension', async () => {
    const { session: boss, api } = await admin();
    const mod = await newUser(base(), 'mod');
    const otherMod = await newUser(base(), 'mod2');
    const plain = await newUser(base(), 'pl');
    for (const person of [mod, otherMod]) await api.post(`/users/${person.user.username}/roles`, { role: 'moderator' });
    const asMod = adminAs(base(), mod);
    expect(code(await asMod.post(`/users/${boss.user.username}/suspend`, { reason: 'coup' }))).toEqual([
      403,
      'FORBIDDEN',
    ]);

    // Even with policies that open the admin API and suspension to moderators, rank still holds.
    const keys = [
      { role: 'moderator', domain: 'global', action: 'admin' },
      { role: 'moderator', domain: 'global', action: 'suspend' },
    ];
    for (const policy of keys) await api.post('/policies', policy);
    try {
      expect(code(await asMod.post(`/users/${boss.user.username}/suspend`, { reason: 'coup' }))).toEqual([
        403,
        'TARGET_OUTRANKS',
      ]);
      expect(code(await asMod.post(`/users/${otherMod.user.username}/suspend`, { reason: 'rival' }))).toEqual([
        403,
        'TARGET_OUTRANKS',
      ]);
      expect((await asMod.post(`/users/${plain.user.username}/suspend`, { reason: 'spam' })).status).toBe(200);
      // Nor can they lift a suspension an admin gave someone of their rank or above.
      expect((await api.post(`/users/${otherMod.user.username}/suspend`, { reason: 'by the boss' })).status).toBe(200);
      expect(code(await asMod.post(`/users/${otherMod.user.username}/unsuspend`, {}))).toEqual([
        403,
        'TARGET_OUTRANKS',
      ]);
      expect((await api.user(otherMod.user.username)).suspended).toMatchObject({ reason: 'by the boss' });
      expect((await api.post(`/users/${otherMod.user.username}/unsuspend`, {})).status).toBe(200);
    } finally {
      for (const policy of keys) await api.delete('/policies', policy);
    }
    expect(await api.user(boss.user.username)).not.toHaveProperty('suspended');
    expect(await api.user(otherMod.user.username)).not.toHaveProperty('suspended');
  });
});
