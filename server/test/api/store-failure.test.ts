import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUser, request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

it('when the database is gone, a send is answered STORE_UNAVAILABLE and never acked; /ready says 503', async () => {
  const alice = await newUser(server.url, 'alice');
  const client = await connect(server.wsUrl, alice);
  await client.join();
  await client.sendText('stored fine');

  await server.app.core.ctx.store.close();
  client.send({ type: 'send', room: 'general', text: 'cannot be stored', clientMsgId: 'lost-1' });
  const error = await client.next('error');
  expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', ref: 'lost-1' });
  expect(client.framesOf('ack').filter((ack) => ack.clientMsgId === 'lost-1')).toEqual([]);

  const ready = await request<{ error: { code: string } }>(`${server.url}/ready`);
  expect(ready.status).toBe(503);
  expect(ready.body.error.code).toBe('STORE_UNAVAILABLE');
  expect((await request(`${server.url}/health`)).status).toBe(200);
  await client.close();
});
