import { afterAll, beforeAll, expect, it } from 'vitest';
import { register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

// A real bcrypt cost, so a missing dummy comparison (about 0 ms) against a real one (tens of ms)
// shows up far outside the noise of a shared machine.
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { BCRYPT_COST: '10' } });
});
afterAll(async () => {
  await server.close();
});

async function timeLogin(username: string): Promise<number> {
  const started = performance.now();
  const response = await request(`${server.url}/api/v1/auth/login`, {
    body: { username, password: 'wrong-password-123' },
  });
  expect(response.status).toBe(401);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

it('takes a similar time for an unknown user and a wrong password (medians within 1.6x)', async () => {
  const known = uniqueName();
  await register(server.url, known);
  const wrongPassword: number[] = [];
  const unknownUser: number[] = [];
  for (let i = 0; i < 7; i++) {
    wrongPassword.push(await timeLogin(known));
    unknownUser.push(await timeLogin(uniqueName('ghost')));
  }
  const ratio = median(unknownUser) / median(wrongPassword);
  console.log(
    `login timing: wrong password ${median(wrongPassword).toFixed(1)} ms, unknown user ${median(unknownUser).toFixed(1)} ms`,
  );
  expect(ratio).toBeGreaterThan(1 / 1.6);
  expect(ratio).toBeLessThan(1.6);
});
