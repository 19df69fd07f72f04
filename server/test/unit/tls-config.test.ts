import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/server.js';
import { makeSelfSigned, type SelfSigned } from '../helpers/tls.js';

// TLS_CERT/TLS_KEY are read and checked at startup: every mistake is a ConfigError naming the
// variable and the path, and no message, log or printout ever carries the key itself.
const dir = tempDir('parley-tls-config-');
let good: SelfSigned;
let other: SelfSigned;
let keyText: string;

beforeAll(() => {
  good = makeSelfSigned(dir.path, 'good');
  other = makeSelfSigned(dir.path, 'other');
  keyText = keyBody(good.keyPath);
});
afterAll(() => dir.remove());

/** The base64 body of the key's PEM: what a leak would show. */
function keyBody(path: string): string {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('-----'))
    .join('');
}

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

it('turns on secure cookies (and so HSTS) by itself, and satisfies production', () => {
  const config = loadConfig({ TLS_CERT: good.certPath, TLS_KEY: good.keyPath });
  expect(config.cookieSecure).toBe(true);
  expect(config.tls?.certPath).toBe(good.certPath);
  const production = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    TLS_CERT: good.certPath,
    TLS_KEY: good.keyPath,
  });
  expect(production.cookieSecure).toBe(true);
});

it('without TLS, the default stays plain: no tls, no secure cookies', () => {
  const config = loadConfig({});
  expect(config.tls).toBeUndefined();
  expect(config.cookieSecure).toBe(false);
});

it('never prints or serializes the key', () => {
  const config = loadConfig({ TLS_CERT: good.certPath, TLS_KEY: good.keyPath });
  expect(keyText.length).toBeGreaterThan(40);
  for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), JSON.stringify(config.tls)]) {
    expect(text).not.toContain(keyText.slice(0, 40));
    expect(text).not.toContain('PRIVATE KEY');
  }
});

it.each([
  ['only TLS_CERT', () => ({ TLS_CERT: good.certPath }), /^TLS_KEY: set it too/],
  ['only TLS_KEY', () => ({ TLS_KEY: good.keyPath }), /^TLS_CERT: set it too/],
  ['an empty TLS_CERT', () => ({ TLS_CERT: '', TLS_KEY: good.keyPath }), /TLS_CERT/],
  [
    'a missing file',
    () => ({ TLS_CERT: join(dir.path, 'nope.crt'), TLS_KEY: good.keyPath }),
    /TLS_CERT: cannot read .*nope\.crt \(ENOENT\)/,
  ],
  [
    'a key in place of the certificate',
    () => ({ TLS_CERT: good.keyPath, TLS_KEY: good.keyPath }),
    /TLS_CERT: .* holds no PEM certificate/,
  ],
  [
    'a certificate in place of the key',
    () => ({ TLS_CERT: good.certPath, TLS_KEY: good.certPath }),
    /TLS_KEY: .* holds no unencrypted PEM private key/,
  ],
  [
    'the key of another certificate',
    () => ({ TLS_CERT: good.certPath, TLS_KEY: other.keyPath }),
    /TLS_KEY: .* is not the private key of the certificate/,
  ],
  [
    'COOKIE_SECURE=false with TLS',
    () => ({ TLS_CERT: good.certPath, TLS_KEY: good.keyPath, COOKIE_SECURE: 'false' }),
    /COOKIE_SECURE: false contradicts TLS_CERT/,
  ],
])('refuses %s with a message naming the variable, never the key', (_name, env, message) => {
  const error = refusal(env());
  expect(error.message).toMatch(message);
  expect(error.message).not.toContain(keyText.slice(0, 40));
});

it('refuses an unreadable key file', () => {
  // Root reads any file whatever its mode, so the check needs a path that is not a file.
  const error = refusal({ TLS_CERT: good.certPath, TLS_KEY: dir.path });
  expect(error.message).toMatch(/TLS_KEY: cannot read .* \(EISDIR\)/);
});

it('refuses a garbage key file without quoting it', () => {
  const garbage = join(dir.path, 'garbage.key');
  writeFileSync(garbage, 'not a key: hunter2-hunter2-hunter2');
  const error = refusal({ TLS_CERT: good.certPath, TLS_KEY: garbage });
  expect(error.message).toMatch(/TLS_KEY: .*garbage\.key holds no unencrypted PEM private key/);
  expect(error.message).not.toContain('hunter2');
});
