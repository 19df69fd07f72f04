import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { login, register, request, uniqueName } from '../helpers/http.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

const dir = tempDir('parley-restart-');
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL');
  dir.remove();
});

it('keeps history across a restart of the server process on the same SQLite file, closing sockets with 1001', async () => {
  const env = { DATA_DIR: dir.path, JWT_SECRET: randomBytes(48).toString('base64url') };
  const first = await startServerProcess(env);
  running.push(first);
  const username = uniqueName('restart');
  await register(first.url, username);
  const session = await login(first.url, username);
  const client = await connect(`${first.url.replace('http', 'ws')}/api/v1/ws`, session);
  await client.join();
  const acked: Message[] = [];
  for (let i = 0; i < 5; i++) acked.push((await client.sendText(`before restart ${i}`)).message);

  expect(await first.stop('SIGTERM')).toBe(0);
  expect((await client.closed).code).toBe(1001);

  const second = await startServerProcess(env);
  running.push(second);
  // The same token still works: same secret, same session row.
  const page = await request<{ messages: { id: string; seq: number; text: string }[] }>(
    `${second.url}/api/v1/rooms/general/messages?limit=100`,
    { token: session.accessToken, cookie: session.cookie },
  );
  expect(page.status).toBe(200);
  expect(page.body.messages.slice(-5)).toEqual(acked);

  // Sequence numbers continue where they left off.
  const again = await connect(`${second.url.replace('http', 'ws')}/api/v1/ws`, session);
  await again.join('general', acked.at(-1)!.seq);
  const next = await again.sendText('after restart');
  expect(next.message.seq).toBe(acked.at(-1)!.seq + 1);
  await again.close();
  expect(await second.stop('SIGTERM')).toBe(0);
}, 240_000); // two process start-ups in a row
