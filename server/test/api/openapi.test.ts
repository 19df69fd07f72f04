import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFrameSchema, ServerFrameSchema } from '../../../protocol/index.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { openApiPath, responseChecker, type OpenApiDocument } from '../helpers/openapi-check.js';
import { GENEROUS_ROOM_LIMITS } from '../helpers/conversations.js';
import { makeAdmin } from '../helpers/admin.js';
import { startServer, type TestServer } from '../helpers/server.js';

/**
 * The OpenAPI document lists every route Fastify registered, and real answers match it (the test
 * server checks every answer of every API test against it: helpers/openapi-check.ts; this file adds
 * a sweep over each kind of route). The AsyncAPI document has every frame type.
 */
describe('the API documents', () => {
  let server: TestServer;
  let document: OpenApiDocument & { openapi: string; components: { securitySchemes: Record<string, unknown> } };
  beforeAll(async () => {
    server = await startServer({ env: GENEROUS_ROOM_LIMITS });
    document = (await request<typeof document>(`${server.url}/api/v1/openapi.json`)).body;
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it('is OpenAPI 3.1 with the bearer token and the fingerprint cookie as security schemes', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      fingerprintCookie: { type: 'apiKey', in: 'cookie', name: 'parley_fp' },
    });
    const rooms = document.paths['/api/v1/rooms']?.get as { security?: unknown } | undefined;
    expect(rooms?.security).toEqual([{ bearerAuth: [], fingerprintCookie: [] }]);
  });

  it('lists every registered route with its method', () => {
    // The rule: every route Fastify registered, except the HEAD twins it adds to each GET and the
    // routes that ask to stay out of the document (schema.hide: static files, the /docs page, CORS
    // preflight). No route of ours may hide.
    const routes = server.app.routes.filter((route) => route.method !== 'HEAD' && !route.hidden);
    const hidden = server.app.routes.filter((route) => route.hidden).map((route) => route.url);
    expect(hidden.filter((url) => url.startsWith('/api/') || url === '/health' || url === '/ready')).toEqual([]);
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((route) => !document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]);
    expect(missing).toEqual([]);
    // ...and the document has nothing that is not a route.
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...new Set(routes.map((r) => `${r.method} ${openApiPath(r.url)}`))].sort());
  });

  it('gives each operation its answers: success bodies by status, and the error body', () => {
    const get = (path: string, method: string) =>
      document.paths[path]?.[method] as { responses: Record<string, { content?: unknown }> };
    expect(Object.keys(get('/api/v1/auth/login', 'post').responses).sort()).toEqual(['200', 'default']);
    expect(get('/api/v1/auth/logout', 'post').responses['204']?.content).toBeUndefined();
    // A body the route may go without is not required (refresh reads the cookie when there is none).
    const required = (path: string, method: string) =>
      (document.paths[path]?.[method] as { requestBody?: { required?: boolean } }).requestBody?.required;
    expect(required('/api/v1/auth/refresh', 'post')).toBe(false);
    expect(required('/api/v1/admin/users/{username}/unsuspend', 'post')).toBe(false);
    expect(required('/api/v1/auth/login', 'post')).toBe(true);
    expect(JSON.stringify(document)).not.toContain('x-parley');
    expect(get('/api/v1/rooms/{room}/messages', 'get').responses['default']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
    });
  });

  it('refuses answers that differ from the document (the check is not a no-op)', () => {
    const check = responseChecker(document);
    const json = 'application/json; charset=utf-8';
    const user = { id: 'u1', username: 'ann', color: '#123456' };
    expect(check('GET', '/api/v1/me', 200, json, JSON.stringify({ user }))).toBeUndefined();
    expect(
      check('GET', '/api/v1/me', 200, json, JSON.stringify({ user: { ...user, passwordHash: 'x' } })),
    ).toBeDefined();
    expect(check('GET', '/api/v1/me', 200, json, JSON.stringify({ user: { id: 'u1' } }))).toBeDefined();
    const error = (code: string) => JSON.stringify({ error: { code, message: 'no' } });
    expect(check('GET', '/api/v1/me', 401, json, error('UNAUTHENTICATED'))).toBeUndefined();
    expect(check('GET', '/api/v1/me', 401, json, error('NOT_A_CODE'))).toBeDefined();
    expect(check('POST', '/api/v1/auth/logout', 204, '', '')).toBeUndefined();
    expect(check('POST', '/api/v1/auth/logout', 204, json, '{}')).toBeDefined();
    expect(check('GET', '/api/v1/nowhere', 200, json, '{}')).toBe('the route is not in the document');
  });

  it('documents every WebSocket frame type, both ways, in the AsyncAPI document', async () => {
    const answer = await request<{ asyncapi: string; components: { messages: Record<string, unknown> } }>(
      `${server.url}/api/v1/asyncapi.json`,
    );
    expect(answer.body.asyncapi).toBe('3.0.0');
    const names = Object.keys(answer.body.components.messages);
    const types = (union: typeof ClientFrameSchema | typeof ServerFrameSchema, side: string) =>
      union.options.map((frame) => `${side}.${String(frame.shape.type.value)}`);
    expect(names.sort()).toEqual([...types(ClientFrameSchema, 'client'), ...types(ServerFrameSchema, 'server')].sort());
  });

  it('matches real answers across the API (the server checks each one)', async () => {
    const base = server.url;
    const me = await newUser(base, 'oa');
    const other = await newUser(base, 'ob');
    await makeAdmin(server.app, me);
    const as =
      (session: Session) =>
      (path: string, method = 'GET', body?: unknown) =>
        request(`${base}${path}`, { method, body, token: session.accessToken, cookie: session.cookie });
    const mine = as(me);
    const room = `oa-${process.pid % 100000}`;
    const statuses: number[] = [];
    const calls: [string, string?, unknown?][] = [
      ['/health'],
      ['/ready'],
      ['/api/v1/ws'],
      ['/api/v1/me'],
      ['/api/v1/me/security-events?limit=5'],
      ['/api/v1/auth/sessions'],
      ['/api/v1/users/' + other.user.username],
      ['/api/v1/users/nobody_here_at_all'],
      ['/api/v1/rooms'],
      ['/api/v1/rooms', 'POST', { name: room, topic: 'docs' }],
      ['/api/v1/rooms', 'POST', { name: room }],
      ['/api/v1/rooms', 'POST', { name: 'Not A Name' }],
      [`/api/v1/rooms/${room}`],
      [`/api/v1/rooms/${room}`, 'PATCH', { topic: 'changed' }],
      [`/api/v1/rooms/${room}/members`, 'POST', { username: other.user.username }],
      [`/api/v1/rooms/${room}/members`],
      [`/api/v1/rooms/${room}/members/${other.user.username}`, 'PATCH', { role: 'moderator' }],
      [`/api/v1/rooms/${room}/members/${other.user.username}`, 'PATCH', { role: 'member' }],
      [`/api/v1/rooms/${room}/messages?limit=10`],
      [`/api/v1/rooms/${room}/read`, 'POST', { seq: 1 }],
      [`/api/v1/rooms/${room}/mutes`, 'POST', { username: other.user.username, durationSeconds: 60, reason: 'calm' }],
      [`/api/v1/rooms/${room}/mutes/${other.user.username}`, 'DELETE'],
      [`/api/v1/rooms/${room}/moderation`, 'PATCH', { slowModeSeconds: 0, readOnly: false }],
      [`/api/v1/rooms/${room}/kicks`, 'POST', { username: other.user.username }],
      [`/api/v1/rooms/${room}/bans`, 'POST', { username: other.user.username, reason: 'spam' }],
      [`/api/v1/rooms/${room}/bans`],
      [`/api/v1/rooms/${room}/bans/${other.user.username}`, 'DELETE'],
      [`/api/v1/rooms/general/join`, 'POST'],
      [`/api/v1/rooms/general/leave`, 'POST'],
      ['/api/v1/dms', 'POST', { username: other.user.username }],
      ['/api/v1/admin/users?limit=5'],
      [`/api/v1/admin/users/${other.user.username}`],
      [`/api/v1/admin/users/${other.user.username}/roles`, 'POST', { role: 'moderator' }],
      [`/api/v1/admin/users/${other.user.username}/roles/moderator`, 'DELETE'],
      ['/api/v1/admin/policies'],
      ['/api/v1/admin/policies', 'POST', { role: 'member', domain: 'room:*', action: 'kick' }],
      ['/api/v1/admin/policies', 'DELETE', { role: 'member', domain: 'room:*', action: 'kick' }],
      ['/api/v1/admin/permissions/check', 'POST', { username: other.user.username, domain: 'global', action: 'admin' }],
      [`/api/v1/admin/users/${other.user.username}/suspend`, 'POST', { reason: 'a test' }],
      [`/api/v1/admin/users/${other.user.username}/unsuspend`, 'POST', {}],
      ['/api/v1/admin/audit?limit=5'],
      [`/api/v1/rooms/${room}/members/${other.user.username}`, 'DELETE'],
      ['/api/v1/auth/password', 'POST', { currentPassword: 'wrong-password-1', newPassword: 'another-one-2' }],
    ];
    for (const [path, method, body] of calls) statuses.push((await mine(path, method, body)).status);
    statuses.push((await request(`${base}/api/v1/me`)).status); // no token
    statuses.push((await request(`${base}/api/v1/auth/refresh`, { body: { refreshToken: 'nope' } })).status);
    statuses.push((await as(other)('/api/v1/admin/users')).status); // not an admin
    statuses.push((await mine('/api/v1/auth/logout', 'POST', {})).status);
    // A spread of successes and refusals, each checked against the document by the server helper.
    expect(new Set(statuses)).toEqual(new Set([200, 201, 204, 400, 401, 403, 404, 409, 426]));
    expect(server.responseMismatches).toEqual([]);
  });
});
