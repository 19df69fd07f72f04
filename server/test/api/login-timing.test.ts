import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/ports/password-hasher.js';
import { register, request, uniqueName } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';

// A real bcrypt cost, so a missing dummy comparison (about 0 ms) against a real one (tens of ms)
// shows up far outside the noise of a shared machine.
let server: TestServer;
/** The hash each comparison ran against, in order. */
const compared: string[] = [];
beforeAll(async () => {
  server = await startServer({
    env: { BCRYPT_COST: '10' },
    hasher: (real): PasswordHasher => ({
      hash: (password) => real.hash(password),
      verify: (password, hash) => {
        compared.push(hash);
        return real.verify(password, hash);
      },
    }),
  });
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
/** `$2b$10$`: the bcrypt version and cost a hash was made with. */
const costOf = (hash: string) => /^\$2[aby]\$\d\d\$/.exec(hash)?.[0];

it('does the same work for an unknown user and a wrong password: one comparison, at the same cost', async () => {
  const known = uniqueName();
  await register(server.url, known);
  compared.length = 0;
  await timeLogin(known);
  const forWrongPassword = compared.splice(0);
  await timeLogin(uniqueName('ghost'));
  const forUnknownUser = compared.splice(0);
  expect(forWrongPassword).toHaveLength(1);
  expect(forUnknownUser).toHaveLength(1);
  const [stored] = forWrongPassword;
  const [dummy] = forUnknownUser;
  expect(stored).toHaveLength(60);
  expect(dummy).toHaveLength(60);
  expect(costOf(stored!)).toBe('$2b$10$');
  expect(costOf(dummy!)).toBe(costOf(stored!));
  expect(dummy).not.toBe(stored);
});

it('takes a similar time for an unknown user and a wrong password (medians within 1.6x)', async () => {
  const known = uniqueName();
  await register(server.url, known);
  const wrongPassword: number[] = [];
  const unknownUser: number[] = [];
  // Interleaved, so a burst of load elsewhere on the machine falls on both sides alike.
  for (let i = 0; i < 11; i++) {
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
