import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { newUser, request } from '../helpers/http.js';
import { startServer, tempDir } from '../helpers/server.js';

const dir = tempDir('parley-rotation-');
afterAll(() => dir.remove());

it('JWT_SECRET_PREVIOUS keeps tokens signed with the old secret valid during a rotation, and only then', async () => {
  const oldSecret = randomBytes(32).toString('base64url');
  const newSecret = randomBytes(32).toString('base64url');
  const before = await startServer({ dataDir: dir.path, env: { JWT_SECRET: oldSecret } });
  const alice = await newUser(before.url, 'rotate');
  await before.close();

  const me = async (env: Record<string, string>) => {
    const server = await startServer({ dataDir: dir.path, env });
    try {
      return await request<{ error?: { code: string } }>(`${server.url}/api/v1/me`, {
        token: alice.accessToken,
        cookie: alice.cookie,
      });
    } finally {
      await server.close();
    }
  };
  expect((await me({ JWT_SECRET: newSecret, JWT_SECRET_PREVIOUS: oldSecret })).status).toBe(200);
  const after = await me({ JWT_SECRET: newSecret });
  expect(after.status).toBe(401);
  expect(after.body.error?.code).toBe('TOKEN_INVALID');
});
