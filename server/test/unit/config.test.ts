import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServerProcess } from '../helpers/process.js';

it('uses documented defaults', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({ port: 3000, env: 'development', bcryptCost: 12, accessTokenTtlSeconds: 900 });
  expect(config.database).toEqual({ kind: 'sqlite', filename: './data/parley.db' });
});

it.each([
  [{ PORT: 'abc' }, /PORT/],
  [{ NODE_ENV: 'staging' }, /NODE_ENV/],
  [{ BCRYPT_COST: '3' }, /BCRYPT_COST/],
  [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  [{ ALLOWED_ORIGINS: '*' }, /ALLOWED_ORIGINS/],
  [{ ALLOWED_ORIGINS: 'https://chat.example.com/' }, /ALLOWED_ORIGINS/],
  [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
  [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
  [{ NODE_ENV: 'production' }, /JWT_SECRET: required in production/],
  [{ NODE_ENV: 'production', JWT_SECRET: 'tooshort' }, /at least 32/],
])('refuses %j with a message naming the variable', (env, message) => {
  expect(() => loadConfig(env)).toThrow(message);
});

it('the server process refuses to start in production without a strong secret, saying why', async () => {
  await expect(startServerProcess({ NODE_ENV: 'production', JWT_SECRET: 'short-secret' })).rejects.toThrow(
    /exited with 78[\s\S]*JWT_SECRET: must be at least 32 characters/,
  );
});
