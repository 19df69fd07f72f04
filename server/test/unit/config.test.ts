import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServerProcess } from '../helpers/process.js';

const STRONG = randomBytes(32).toString('base64url');

it('uses documented defaults', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({ port: 3000, env: 'development', bcryptCost: 12, accessTokenTtlSeconds: 900 });
  expect(config.database).toEqual({ kind: 'sqlite', filename: './data/parley.db', synchronous: 'normal' });
  expect(config).toMatchObject({ messageMaxBytes: 16_384, replyMaxBytes: 262_144, wsMaxBufferedBytes: 1_048_576 });
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
  [{ NODE_ENV: 'production', JWT_SECRET: 'q'.repeat(48) }, /JWT_SECRET: .*rule: repetitive/],
  [
    { NODE_ENV: 'production', JWT_SECRET: 'replace-this-with-a-long-random-value-please' },
    /JWT_SECRET: .*rule: placeholder/,
  ],
  [
    { NODE_ENV: 'production', JWT_SECRET: STRONG, JWT_SECRET_PREVIOUS: STRONG },
    /JWT_SECRET_PREVIOUS: must differ from JWT_SECRET/,
  ],
  [{ NODE_ENV: 'production', JWT_SECRET: STRONG, JWT_SECRET_PREVIOUS: 'short' }, /JWT_SECRET_PREVIOUS: .*rule: length/],
  [{ JWT_SECRET_PREVIOUS: STRONG }, /JWT_SECRET_PREVIOUS: set JWT_SECRET too/],
  [{ TOTP_ENCRYPTION_KEY: 'short' }, /TOTP_ENCRYPTION_KEY: must be at least 32/],
  [
    { NODE_ENV: 'production', JWT_SECRET: STRONG, TOTP_ENCRYPTION_KEY: 'x'.repeat(40), COOKIE_SECURE: 'true' },
    /TOTP_ENCRYPTION_KEY: .*rule: repetitive/,
  ],
  [{ JWT_SECRET: STRONG, TOTP_ENCRYPTION_KEY: STRONG }, /TOTP_ENCRYPTION_KEY: must differ from JWT_SECRET/],
  [{ MESSAGE_MAX_BYTES: '100' }, /MESSAGE_MAX_BYTES/],
  [{ WS_MAX_PAYLOAD: '16384' }, /MESSAGE_MAX_BYTES: .*WS_MAX_PAYLOAD \(16384\)/],
  [{ MESSAGE_MAX_BYTES: '65500' }, /MESSAGE_MAX_BYTES: .*WS_MAX_PAYLOAD/],
  [
    { MESSAGE_MAX_BYTES: '40000', WS_MAX_PAYLOAD: '65536', WS_MAX_BUFFERED_BYTES: '65536' },
    /MESSAGE_MAX_BYTES: .*reply budget of 32768 bytes/,
  ],
  [{ NODE_ENV: 'production', JWT_SECRET: STRONG }, /COOKIE_SECURE: must be true in production/],
  [{ NODE_ENV: 'production', JWT_SECRET: STRONG, COOKIE_SECURE: 'false' }, /COOKIE_SECURE: must be true/],
  [{ RATE_LIMIT_IPV6_PREFIX: '31' }, /RATE_LIMIT_IPV6_PREFIX/],
  [{ RATE_LIMIT_IPV6_PREFIX: '129' }, /RATE_LIMIT_IPV6_PREFIX/],
  [{ RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: '0' }, /RATE_LIMIT_LOGIN_CONCURRENT_PER_IP/],
  [{ RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: 'two' }, /RATE_LIMIT_LOGIN_CONCURRENT_PER_USER/],
  [{ RATE_LIMIT_LOGIN_DEVICE_FAILURES_PER_HOUR: '0' }, /RATE_LIMIT_LOGIN_DEVICE_FAILURES_PER_HOUR/],
])('refuses %j with a message naming the variable', (env, message) => {
  expect(() => loadConfig(env)).toThrow(message);
});

it('takes a TOTP key apart from the JWT secret; production may go without one (TOTP then unavailable)', () => {
  const key = randomBytes(32).toString('base64url');
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: STRONG,
    TOTP_ENCRYPTION_KEY: key,
    COOKIE_SECURE: 'true',
  });
  expect(config.totpEncryptionKey).toBe(key);
  expect(
    loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG, COOKIE_SECURE: 'true' }).totpEncryptionKey,
  ).toBeUndefined();
});

it('accepts a strong secret and secure cookies in production', () => {
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG, COOKIE_SECURE: 'true' });
  expect(config.jwtSecret).toBe(STRONG);
  expect(config.cookieSecure).toBe(true);
});

it('documents the defaults of the login and IPv6 limits', () => {
  expect(loadConfig({}).rateLimits).toMatchObject({
    loginConcurrentPerIp: 4,
    loginConcurrentPerUser: 2,
    loginDeviceFailuresPerHour: 10,
    ipv6Prefix: 64,
  });
});

it('the server process refuses to start in production without COOKIE_SECURE=true, naming it', async () => {
  const failure = startServerProcess({ NODE_ENV: 'production', JWT_SECRET: STRONG });
  await expect(failure).rejects.toThrow(/exited with 78/);
  await expect(failure).rejects.toThrow(/COOKIE_SECURE/);
});

it.each([
  ['short', 'short-secret', /rule: length/],
  ['placeholder', 'changeme-changeme-this-is-my-production-key', /rule: placeholder/],
  ['repetitive', 'Ab3$'.repeat(12), /rule: repetitive/],
])(
  'the server process refuses to start in production with a %s secret, printing the rule',
  async (_label, secret, rule) => {
    const failure = startServerProcess({ NODE_ENV: 'production', JWT_SECRET: secret });
    await expect(failure).rejects.toThrow(/exited with 78/);
    await expect(failure).rejects.toThrow(rule);
  },
);
