import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { ConfigError, loadConfig, type LogFormat } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

const SECRETS = {
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-bearer-token.signature',
  cookie: 'parley_rt=secret-refresh-cookie',
  password: 'secret-password-hunter2',
  token: 'secret-token-value',
  bodyPassword: 'secret-body-password',
  accessToken: 'secret-access-token',
};

/** A logger of the given format writing into a string, as the server's stdout would get it. */
function captured(format: LogFormat) {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return { logger: createLogger('info', sink, format), text: () => text };
}

function logRequestLikeEvent(logger: ReturnType<typeof createLogger>): void {
  logger.info(
    {
      headers: { authorization: SECRETS.authorization, cookie: SECRETS.cookie, 'user-agent': 'curl/8' },
      password: SECRETS.password,
      token: SECRETS.token,
      body: { username: 'alice', password: SECRETS.bodyPassword, accessToken: SECRETS.accessToken },
    },
    'login attempt',
  );
}

it.each(['json', 'pretty'] as const)('%s logs redact passwords, tokens, cookies and Authorization', async (format) => {
  const { logger, text } = captured(format);
  logRequestLikeEvent(logger);
  await expect.poll(text).toContain('login attempt');
  expect(text()).toContain('alice');
  expect(text()).toContain('[redacted]');
  for (const secret of Object.values(SECRETS)) expect(text()).not.toContain(secret);
  expect(text()).not.toContain('secret-');
});

it('pretty logs are lines for a person, not JSON', async () => {
  const { logger, text } = captured('pretty');
  logRequestLikeEvent(logger);
  await expect.poll(text).toContain('login attempt');
  const [first] = text().split('\n');
  expect(first).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: login attempt$/);
  for (const line of text().split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown).toThrow();
});

it('pretty logs show a request as one short line each way, with its id', async () => {
  const { logger, text } = captured('pretty');
  const request = logger.child({ reqId: 'req-7' });
  request.info(
    { req: { method: 'GET', url: '/api/v1/rooms?token=abc', ip: '127.0.0.1', id: 'req-7' } },
    'incoming request',
  );
  request.info({ res: { statusCode: 200 }, responseTime: 4.2 }, 'request completed');
  await expect.poll(text).toContain('request completed');
  expect(text().split('\n').filter(Boolean)).toEqual([
    expect.stringMatching(/ INFO: incoming request GET \/api\/v1\/rooms from 127\.0\.0\.1 \(req-7\)$/),
    expect.stringMatching(/ INFO: request completed 200 in 4 ms \(req-7\)$/),
  ]);
});

it('json logs are one JSON object per line', async () => {
  const { logger, text } = captured('json');
  logRequestLikeEvent(logger);
  await expect.poll(text).toContain('login attempt');
  const lines = text().split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'login attempt', service: 'parley' });
});

it('LOG_FORMAT defaults to pretty only at a terminal outside production', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'q7Yp2Lk9Wm4Rt8Zx1Cv6Bn3Hs5Jd0Fg-Ua7Ei2Ko9',
    COOKIE_SECURE: 'true',
  };
  expect(loadConfig({}, true).logFormat).toBe('pretty');
  expect(loadConfig({ NODE_ENV: 'test' }, true).logFormat).toBe('pretty');
  expect(loadConfig({}, false).logFormat).toBe('json');
  expect(loadConfig(production, true).logFormat).toBe('json');
  expect(loadConfig({ ...production, LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
  expect(loadConfig({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
  expect(() => loadConfig({ LOG_FORMAT: 'text' }, true)).toThrow(ConfigError);
  expect(() => loadConfig({ LOG_FORMAT: 'text' }, true)).toThrow(/LOG_FORMAT/);
});
